namespace Dinh.Exchange.Records;

/// <summary>
/// A record an agency keeps about a citizen and pushes to Dinh (a driving licence, a vehicle registration, a
/// health-insurance card, a land plot), linked by personal ID number. Only the member that owns the record type
/// (its `records-write` grant) writes it; others read it under a `records` grant.
/// </summary>
public sealed class SectorRecord
{
    public Guid Id { get; init; }
    public required string RecordType { get; init; }

    /// <summary>The agency's own number for the record (licence number, plate, card number, plot id).</summary>
    public required string RecordNumber { get; init; }
    public Guid MemberId { get; init; }
    public Guid CitizenId { get; set; }

    /// <summary>The record's attributes as a flat JSON object of strings.</summary>
    public required string Attributes { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidUntil { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
}
