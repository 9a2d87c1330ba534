namespace Dinh.Registry.Officers;

public enum OfficerRole
{
    CivilStatus = 1,
    ResidencePolice = 2,
    DataSteward = 3,

    // Agencies that process public-service dossiers (the portal) without registry write rights of their own.
    SocialInsurance = 4,
    JudicialRecords = 5,
    Transport = 6,
}

public enum JurisdictionLevel
{
    Commune = 1,
    Province = 2,
    National = 3,
}

/// <summary>
/// Where an officer may read and write: a commune, a province (every commune in it), or the whole country.
/// Codes are those of the current (2025) structure.
/// </summary>
public sealed record Jurisdiction(JurisdictionLevel Level, string? UnitCode)
{
    public static readonly Jurisdiction National = new(JurisdictionLevel.National, null);
}

/// <summary>A registry officer: the directory entry of an officer's account (the identity module keeps it; the ids are the same).</summary>
public sealed class Officer
{
    public Guid Id { get; init; }
    public required string Login { get; init; }
    public required string DisplayName { get; init; }
    public OfficerRole Role { get; init; }
    public JurisdictionLevel JurisdictionLevel { get; init; }
    public string? JurisdictionCode { get; init; }

    public Jurisdiction Jurisdiction => new(JurisdictionLevel, JurisdictionCode);
}
