using System.Security.Claims;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;

namespace Dinh.Registry.Contracts;

/// <summary>The officer behind a request, as other modules may see it: opaque id, role and jurisdiction, never a name.</summary>
public sealed record OfficerPrincipal(Guid Id, OfficerRole Role, Jurisdiction Jurisdiction)
{
    public string Actor => $"officer:{Id}";

    public static OfficerPrincipal? From(ClaimsPrincipal? user) =>
        SignedInOfficer.From(user) is { } officer ? new OfficerPrincipal(officer.Id, officer.Role, officer.Jurisdiction) : null;
}

/// <summary>Whether an officer's jurisdiction covers a commune, by the registry's rules (a province covers its current communes).</summary>
public sealed class OfficerJurisdictions(RegistryDbContext db, TimeProvider clock)
{
    public Task<bool> CoversAsync(OfficerPrincipal officer, string? communeCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return new RegistryAccess(db, clock).CoversAsync(new SignedInOfficer(officer.Id, officer.Role, officer.Jurisdiction), communeCode, cancellationToken);
    }

    /// <summary>The communes an officer covers; null means every commune.</summary>
    public Task<IReadOnlyList<string>?> CommunesAsync(OfficerPrincipal officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return new RegistryAccess(db, clock).CommunesAsync(new SignedInOfficer(officer.Id, officer.Role, officer.Jurisdiction), cancellationToken);
    }

    /// <summary>Whether a code is a current commune.</summary>
    public Task<bool> IsCommuneAsync(string code, CancellationToken cancellationToken) =>
        new RegistryAccess(db, clock).IsCommuneAsync(code, cancellationToken);
}
