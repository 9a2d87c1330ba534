using Dinh.Identity.Accounts;

namespace Dinh.Identity.Level2;

public enum Level2ApplicationStatus
{
    Open = 1,
    Completed = 2,
    Refused = 3,
}

/// <summary>What the counter could not finish at once.</summary>
public enum Level2Awaiting
{
    /// <summary>The biometric device has not answered yet; the card was checked at the counter.</summary>
    Biometrics = 1,

    /// <summary>The citizen has no valid chip card: level 2 comes with the card's issuance (DOMAIN.md §3.4).</summary>
    Card = 2,
}

/// <summary>
/// A level-2 application that the officer could not finish at the counter: received by an officer at an office, due
/// within the working days of Decree 69/2024 Art. 13, and completed or refused (with a reason) from the office's queue.
/// The captures are the device's references, never images.
/// </summary>
public sealed class Level2Application
{
    /// <summary>Decree 69/2024 Art. 13: level 2 within 3 working days with a valid card, 7 with none or an expired one.
    /// Foreigners have the same figures; the registry holds no foreigners' accounts yet.</summary>
    public const int WithValidCard = 3;

    public const int WithoutValidCard = 7;

    public Guid Id { get; set; }
    public Guid CitizenId { get; set; }
    public Guid? AccountId { get; set; }
    public Level2Awaiting Awaiting { get; set; }
    public Level2ApplicationStatus Status { get; set; } = Level2ApplicationStatus.Open;
    public Guid ReceivedBy { get; set; }
    public string? OfficeUnitCode { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public int TimeLimitWorkingDays { get; set; }
    public DateOnly DueOn { get; set; }

    /// <summary>The verified phone for a citizen without an account, who sets a password once level 2 is granted.</summary>
    public string? Phone { get; set; }

    public string CardNumber { get; set; } = "";
    public string? FaceCapture { get; set; }
    public string? FingerprintCapture { get; set; }
    public BiometricOutcome Face { get; set; }
    public BiometricOutcome Fingerprint { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? RefusalReason { get; set; }

    public bool IsOpen => Status == Level2ApplicationStatus.Open;

    public DeadlineUrgency UrgencyOn(DateOnly today, DateOnly nextWorkingDay) => Deadlines.Urgency(IsOpen, DueOn, today, nextWorkingDay);

    public bool Complete(Guid officerId, Guid accountId, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return false;
        }
        (Status, DecidedBy, DecidedAt, AccountId) = (Level2ApplicationStatus.Completed, officerId, now, accountId);
        return true;
    }

    public bool Refuse(Guid officerId, string reason, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return false;
        }
        (Status, DecidedBy, DecidedAt, RefusalReason) = (Level2ApplicationStatus.Refused, officerId, now, reason);
        return true;
    }
}
