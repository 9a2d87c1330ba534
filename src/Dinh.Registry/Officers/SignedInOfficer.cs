using System.Globalization;
using System.Security.Claims;

namespace Dinh.Registry.Officers;

/// <summary>
/// The officer behind a request, read from the sign-in cookie. Only these claims are issued: the officer's opaque
/// id, role and jurisdiction; never a name or a personal ID number.
/// </summary>
internal sealed record SignedInOfficer(Guid Id, OfficerRole Role, Jurisdiction Jurisdiction)
{
    public const string IdClaim = "dinh:officer";
    public const string RoleClaim = "dinh:officer-role";
    public const string LevelClaim = "dinh:jurisdiction-level";
    public const string UnitClaim = "dinh:jurisdiction-unit";

    public string Actor => $"officer:{Id}";

    public static SignedInOfficer? From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true
            || !Guid.TryParse(user.FindFirstValue(IdClaim), out var id)
            || !Enum.TryParse<OfficerRole>(user.FindFirstValue(RoleClaim), out var role)
            || !Enum.TryParse<JurisdictionLevel>(user.FindFirstValue(LevelClaim), out var level))
        {
            return null;
        }
        var unit = user.FindFirstValue(UnitClaim);
        return new SignedInOfficer(id, role, new Jurisdiction(level, string.IsNullOrEmpty(unit) ? null : unit));
    }

    public static List<Claim> ClaimsOf(Officer officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var claims = new List<Claim>
        {
            new(IdClaim, officer.Id.ToString()),
            new(RoleClaim, officer.Role.ToString()),
            new(LevelClaim, officer.JurisdictionLevel.ToString()),
        };
        if (officer.JurisdictionCode is { } code)
        {
            claims.Add(new Claim(UnitClaim, code));
        }
        return claims;
    }

    /// <summary>Which roles may do what: civil status registers events, the police registers residence, data stewards correct.</summary>
    public bool May(OfficerTask task) => task switch
    {
        OfficerTask.Read => true,
        OfficerTask.CivilStatus => Role is OfficerRole.CivilStatus or OfficerRole.DataSteward,
        OfficerTask.Residence => Role is OfficerRole.ResidencePolice or OfficerRole.DataSteward,
        OfficerTask.Correction => Role is OfficerRole.DataSteward or OfficerRole.CivilStatus,
        OfficerTask.DataQuality => Role is OfficerRole.DataSteward,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, null),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Actor} {Role} {Jurisdiction}");
}

internal enum OfficerTask
{
    Read,
    CivilStatus,
    Residence,
    Correction,

    /// <summary>Running the quality checks and reviewing findings: merge, dismiss, resolve. Data stewards only.</summary>
    DataQuality,
}
