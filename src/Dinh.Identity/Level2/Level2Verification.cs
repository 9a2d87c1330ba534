namespace Dinh.Identity.Level2;

public enum BiometricOutcome
{
    Match = 1,
    NoMatch = 2,
    DeviceError = 3,

    /// <summary>The device took the captures but answers later (matching queued at the identity database).</summary>
    Pending = 4,
}

/// <summary>
/// The record of an in-person level-2 check (Decree 69/2024 Art. 10): which officer, at which commune police office,
/// checked which chip card, what the biometric device answered, and when the citizen confirmed. Kept for the
/// account's life; the audit trail records the raise itself.
/// </summary>
public sealed class Level2Verification
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid CitizenId { get; set; }
    public Guid OfficerId { get; set; }
    public string? OfficeUnitCode { get; set; }
    public string CardNumber { get; set; } = "";
    public bool ChipRead { get; set; }
    public BiometricOutcome Face { get; set; }
    public BiometricOutcome Fingerprint { get; set; }
    public string Device { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public bool Approved { get; set; }
}
