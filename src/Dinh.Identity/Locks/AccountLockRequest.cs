using Dinh.Identity.Accounts;

namespace Dinh.Identity.Locks;

public enum LockRequestKind
{
    Lock = 1,
    Unlock = 2,
}

/// <summary>Why the police ask to lock or unlock (Decree 69/2024 Art. 15); the officer adds the details in words.</summary>
public enum LockGround
{
    /// <summary>The account holder asks for it.</summary>
    HolderRequest = 1,

    /// <summary>The holder's phone or device was lost or stolen, or the account shows signs of being taken over.</summary>
    DeviceLostOrCompromised = 2,

    /// <summary>A decision or request of a court, the police or another competent authority.</summary>
    AuthorityDecision = 3,

    /// <summary>For an unlock: the reason for the lock is gone.</summary>
    ReasonGone = 4,
}

public enum LockRequestStatus
{
    Open = 1,
    Approved = 2,
    Refused = 3,
}

/// <summary>
/// A request to lock or unlock an e-ID account, filed by the police at a commune or provincial office and decided by
/// the national identity administration (C06) within <see cref="TimeLimitWorkingDays"/> working days (Decree 69/2024
/// Art. 15, DOMAIN.md §3.4). Filing in Dinh is forwarding: the request reaches the deciding authority's queue when it
/// is saved, so the office's own day to forward is spent at once and the due date counts the decision's 2 working days.
/// </summary>
public sealed class AccountLockRequest
{
    public const int TimeLimitWorkingDays = 2;
    public const int ReasonLength = 500;

    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public LockRequestKind Kind { get; set; }
    public LockGround Ground { get; set; }

    /// <summary>The officer's words; shown to the citizen, so it names no officer.</summary>
    public string Reason { get; set; } = "";

    /// <summary>For a lock: the day it is lifted by itself (a temporary lock); null for a lock until an unlock.</summary>
    public DateOnly? LockEndsOn { get; set; }

    public LockRequestStatus Status { get; set; } = LockRequestStatus.Open;
    public Guid FiledBy { get; set; }

    /// <summary>The filing office: the officer's commune or province.</summary>
    public string? OfficeUnitCode { get; set; }
    public DateTimeOffset FiledAt { get; set; }
    public DateOnly DueOn { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? RefusalReason { get; set; }

    public bool IsOpen => Status == LockRequestStatus.Open;

    public DeadlineUrgency UrgencyOn(DateOnly today, DateOnly nextWorkingDay) => Deadlines.Urgency(IsOpen, DueOn, today, nextWorkingDay);

    public bool Approve(Guid officerId, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return false;
        }
        (Status, DecidedBy, DecidedAt) = (LockRequestStatus.Approved, officerId, now);
        return true;
    }

    public bool Refuse(Guid officerId, string reason, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return false;
        }
        (Status, DecidedBy, DecidedAt, RefusalReason) = (LockRequestStatus.Refused, officerId, now, reason);
        return true;
    }
}
