using Dinh.Registry.Units;

namespace Dinh.Registry.Households;

public enum ResidenceKind
{
    Permanent = 1,
    Temporary = 2,
    Current = 3,
}

/// <summary>
/// A household under the Law on Residence 2020 Art. 10: members and exactly one head, registered at an address.
/// The paper household book is gone (Art. 38(3)); this record is the register.
/// </summary>
public sealed class Household
{
    public Guid Id { get; init; }
    public Guid HeadId { get; set; }

    /// <summary>Commune code of the household's address, in <see cref="UnitStructure"/>.</summary>
    public required string UnitCode { get; set; }

    /// <summary>Which code list <see cref="UnitCode"/> is from; records imported from before 2025-07-01 say ThreeLevel.</summary>
    public AdministrativeStructure UnitStructure { get; set; }
    public required string AddressLine { get; set; }
    public DateOnly EstablishedOn { get; init; }
    public DateOnly? DissolvedOn { get; set; }
    public int Version { get; set; } = 1;
}

/// <summary>A citizen's membership of a household, with their relation to the head ("Chủ hộ", "Vợ", "Con" …).</summary>
public sealed class HouseholdMember
{
    public long Id { get; private set; }
    public Guid HouseholdId { get; init; }
    public Guid CitizenId { get; init; }
    public required string RelationToHead { get; set; }
    public DateOnly JoinedOn { get; init; }
    public DateOnly? LeftOn { get; set; }
}

/// <summary>
/// A registered residence: permanent, temporary (valid up to 2 years, Law on Residence Art. 27) or current.
/// Ending one keeps it, with the date and the reason (deregistration, death, move).
/// </summary>
public sealed class Residence
{
    public Guid Id { get; init; }
    public Guid CitizenId { get; init; }
    public ResidenceKind Kind { get; init; }
    public Guid? HouseholdId { get; init; }
    public required string UnitCode { get; set; }

    /// <summary>Which code list <see cref="UnitCode"/> is from; records imported from before 2025-07-01 say ThreeLevel.</summary>
    public AdministrativeStructure UnitStructure { get; set; }
    public required string AddressLine { get; set; }
    public DateOnly ValidFrom { get; init; }

    /// <summary>For temporary residence: the registered end date, at most two years after <see cref="ValidFrom"/>.</summary>
    public DateOnly? ValidUntil { get; init; }
    public DateOnly? EndedOn { get; set; }
    public string? EndReason { get; set; }

    public bool IsActiveOn(DateOnly date) =>
        ValidFrom <= date && (EndedOn is null || date < EndedOn) && (ValidUntil is null || date <= ValidUntil);
}
