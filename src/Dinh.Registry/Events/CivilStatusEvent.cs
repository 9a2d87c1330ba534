namespace Dinh.Registry.Events;

public enum CivilStatusEventKind
{
    Birth = 1,
    Death = 2,
    Marriage = 3,
    Divorce = 4,
    NameChange = 5,
    DataCorrection = 6,
    Guardianship = 7,
    GuardianshipEnded = 8,
    DeathCancelled = 9,
}

/// <summary>
/// A registered civil-status event (hộ tịch): a record of its own, which changes the citizens it concerns in the
/// same transaction. <see cref="Details"/> holds the event's own fields as JSON.
/// </summary>
public sealed class CivilStatusEvent
{
    public Guid Id { get; init; }
    public CivilStatusEventKind Kind { get; init; }
    public Guid CitizenId { get; init; }
    public Guid? OtherCitizenId { get; init; }
    public DateOnly OccurredOn { get; init; }
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Commune (current structure) where the event was registered.</summary>
    public required string RegistrationUnitCode { get; init; }
    public required string RegisteredBy { get; init; }
    public required string LegalBasis { get; init; }
    public string? Details { get; init; }
}
