namespace Dinh.Registry.Changes;

/// <summary>
/// One change other systems are told of (a birth, a death, a residence, a name), written in the registry's own
/// transaction by <see cref="RegistryChangeCapture"/>. <see cref="Sequence"/> is null until the sequencer numbers
/// it after commit (<see cref="Contracts.RegistryChangeFeed"/>), so a reader by cursor never skips a row that
/// committed late.
/// </summary>
public sealed class RegistryChange
{
    public long Id { get; private set; }
    public long? Sequence { get; set; }

    /// <summary>Stable across re-deliveries: subscribers deduplicate on it.</summary>
    public Guid EventId { get; init; }
    public required string Kind { get; init; }
    public Guid CitizenId { get; init; }
    public DateOnly OccurredOn { get; init; }
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The kind's own fields as JSON (names, unit codes, dates); never an address line.</summary>
    public required string Data { get; init; }
}

/// <summary>The sequencer's single row: the last sequence handed out. Locking it orders sequencers across instances.</summary>
public sealed class RegistryChangeHead
{
    public int Id { get; init; }
    public long LastSequence { get; set; }
}
