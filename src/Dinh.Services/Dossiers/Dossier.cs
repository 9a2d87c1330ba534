using System.Text.Json;
using Dinh.Platform;
using Dinh.Registry.Officers;
using Dinh.Services.Calendar;

namespace Dinh.Services.Dossiers;

public enum DossierStatus
{
    Submitted = 1,
    InReview = 2,
    SupplementRequested = 3,
    Approved = 4,
    Rejected = 5,
    Withdrawn = 6,
}

/// <summary>Why a transition was refused; the endpoints turn it into a 409 with a stable code.</summary>
internal enum TransitionRefusal
{
    None,
    WrongState,
    ClaimedByAnother,
    FeeNotPaid,
}

/// <summary>
/// A dossier (hồ sơ): one citizen's application under one pinned version of a procedure, in the queue of one agency
/// (a role) for one commune. Its workflow is these guarded methods; each one that succeeds adds a transition row and
/// bumps <see cref="Version"/>, the concurrency token, so of two officers acting on the same version one wins.
/// </summary>
internal sealed class Dossier
{
    public Guid Id { get; init; }
    public required string ReceiptCode { get; init; }
    public required string ProcedureCode { get; init; }
    public int ProcedureVersion { get; init; }
    public Guid ApplicantCitizenId { get; init; }
    public Guid ApplicantAccountId { get; init; }
    public required string UnitCode { get; init; }
    public OfficerRole Role { get; init; }
    public DossierStatus Status { get; private set; }
    public required string FieldsJson { get; set; }
    public DateTimeOffset SubmittedAt { get; init; }
    public DateOnly DueOn { get; private set; }

    /// <summary>While a supplement is requested the clock stops: the working days left when it stopped, and the citizen's own deadline.</summary>
    public int? PausedRemainingDays { get; private set; }
    public DateOnly? SupplementDueOn { get; private set; }
    public Guid? ClaimedBy { get; private set; }
    public string? Reason { get; private set; }
    public string? ResultJson { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public Guid? BundleId { get; init; }
    public int? BundleStep { get; init; }
    public string? IdempotencyKey { get; init; }
    public long FeeVnd { get; init; }
    public DateTimeOffset? PaidAt { get; private set; }
    public int Version { get; private set; } = 1;
    public List<DossierTransition> Transitions { get; } = [];

    public IReadOnlyDictionary<string, string> Fields =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(FieldsJson) ?? new Dictionary<string, string>();

    public bool IsOpen => Status is DossierStatus.Submitted or DossierStatus.InReview or DossierStatus.SupplementRequested;

    public static Dossier Submit(Guid id, string receipt, Catalogue.ProcedureSpec procedure, Guid citizenId, Guid accountId, string unitCode,
        IReadOnlyDictionary<string, string> fields, WorkingDays calendar, DateTimeOffset now, string actor, Guid? bundleId = null, int? step = null,
        string? idempotencyKey = null)
    {
        ArgumentNullException.ThrowIfNull(procedure);
        ArgumentNullException.ThrowIfNull(calendar);
        var dossier = new Dossier
        {
            Id = id, ReceiptCode = receipt, ProcedureCode = procedure.Code, ProcedureVersion = procedure.Version, ApplicantCitizenId = citizenId,
            ApplicantAccountId = accountId, UnitCode = unitCode, Role = Enum.Parse<OfficerRole>(procedure.Role), Status = DossierStatus.Submitted,
            FieldsJson = JsonSerializer.Serialize(fields), SubmittedAt = now, BundleId = bundleId, BundleStep = step,
            IdempotencyKey = idempotencyKey, FeeVnd = procedure.FeeVnd,
        };
        dossier.DueOn = calendar.Due(VietnamTime.DayOf(now), procedure.TimeLimitWorkingDays);
        dossier.Transitions.Add(new DossierTransition { DossierId = id, From = null, To = DossierStatus.Submitted, Action = "submitted", At = now, Actor = actor });
        return dossier;
    }

    /// <summary>An officer takes the dossier: no one else may decide it until it is decided.</summary>
    public TransitionRefusal Claim(Guid officerId, DateTimeOffset now)
    {
        if (Status is not (DossierStatus.Submitted or DossierStatus.InReview))
        {
            return TransitionRefusal.WrongState;
        }
        if (ClaimedBy is { } other && other != officerId)
        {
            return TransitionRefusal.ClaimedByAnother;
        }
        ClaimedBy = officerId;
        Record(Status, "claimed", now, $"officer:{officerId}", null);
        return TransitionRefusal.None;
    }

    /// <summary>The officer who claimed the dossier gives it back to the queue, for a colleague to take.</summary>
    public TransitionRefusal Release(Guid officerId, DateTimeOffset now)
    {
        if (Status is not (DossierStatus.Submitted or DossierStatus.InReview or DossierStatus.SupplementRequested) || ClaimedBy is null)
        {
            return TransitionRefusal.WrongState;
        }
        if (ClaimedBy != officerId)
        {
            return TransitionRefusal.ClaimedByAnother;
        }
        ClaimedBy = null;
        Record(Status, "released", now, $"officer:{officerId}", null);
        return TransitionRefusal.None;
    }

    /// <summary>
    /// An officer takes over a dossier another officer claimed and can no longer act on (deactivated, locked, or moved to
    /// another role or jurisdiction): the caller establishes that. The previous claimant goes to the audit record, not
    /// to the history the citizen reads.
    /// </summary>
    public TransitionRefusal TakeOver(Guid officerId, DateTimeOffset now)
    {
        if (Status is not (DossierStatus.Submitted or DossierStatus.InReview or DossierStatus.SupplementRequested) || ClaimedBy is null || ClaimedBy == officerId)
        {
            return TransitionRefusal.WrongState;
        }
        ClaimedBy = officerId;
        Record(Status, "taken-over", now, $"officer:{officerId}", null);
        return TransitionRefusal.None;
    }

    /// <summary>Received as complete: the dossier is under review by this officer.</summary>
    public TransitionRefusal Accept(Guid officerId, DateTimeOffset now) =>
        Decide(officerId, now, [DossierStatus.Submitted], DossierStatus.InReview, "accepted", null);

    /// <summary>Asks the citizen to complete the dossier; the deadline stops until they resubmit.</summary>
    public TransitionRefusal RequestSupplement(Guid officerId, string reason, int citizenWorkingDays, WorkingDays calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var today = VietnamTime.DayOf(now);
        var remaining = calendar.Between(today, DueOn);
        var refusal = Decide(officerId, now, [DossierStatus.Submitted, DossierStatus.InReview], DossierStatus.SupplementRequested, "supplement-requested", reason);
        if (refusal == TransitionRefusal.None)
        {
            PausedRemainingDays = remaining;
            SupplementDueOn = calendar.Due(today, citizenWorkingDays);
        }
        return refusal;
    }

    /// <summary>The citizen completes the dossier: the clock runs again with the working days that were left.</summary>
    public TransitionRefusal Resubmit(IReadOnlyDictionary<string, string> fields, WorkingDays calendar, DateTimeOffset now, string actor)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (Status != DossierStatus.SupplementRequested)
        {
            return TransitionRefusal.WrongState;
        }
        FieldsJson = JsonSerializer.Serialize(fields);
        DueOn = calendar.Due(VietnamTime.DayOf(now), PausedRemainingDays ?? 0);
        PausedRemainingDays = null;
        SupplementDueOn = null;
        Record(DossierStatus.InReview, "resubmitted", now, actor, null);
        return TransitionRefusal.None;
    }

    public TransitionRefusal Reject(Guid officerId, string reason, DateTimeOffset now) =>
        Decide(officerId, now, [DossierStatus.Submitted, DossierStatus.InReview, DossierStatus.SupplementRequested], DossierStatus.Rejected, "rejected", reason);

    public TransitionRefusal Approve(Guid officerId, object? result, DateTimeOffset now)
    {
        if (Status != DossierStatus.InReview)
        {
            return TransitionRefusal.WrongState;
        }
        if (ClaimedBy is { } other && other != officerId)
        {
            return TransitionRefusal.ClaimedByAnother;
        }
        return FeeOutstanding ? TransitionRefusal.FeeNotPaid : Decide(officerId, now, [DossierStatus.InReview], DossierStatus.Approved, "approved", null, result);
    }

    /// <summary>The gateway confirmed the fee: recorded once, whatever the state, since the money has moved.</summary>
    public bool RecordPayment(DateTimeOffset now, string reference)
    {
        if (PaidAt is not null)
        {
            return false;
        }
        PaidAt = now;
        Record(Status, "fee-paid", now, "system:payment-gateway", reference);
        return true;
    }

    public bool FeeOutstanding => FeeVnd > 0 && PaidAt is null;

    /// <summary>The citizen withdraws an open dossier.</summary>
    public TransitionRefusal Withdraw(DateTimeOffset now, string actor)
    {
        if (!IsOpen)
        {
            return TransitionRefusal.WrongState;
        }
        Record(DossierStatus.Withdrawn, "withdrawn", now, actor, null);
        DecidedAt = now;
        return TransitionRefusal.None;
    }

    public bool IsOverdue(DateOnly today) => IsOpen && Status != DossierStatus.SupplementRequested && today > DueOn;

    public bool IsDueSoon(DateOnly today) => IsOpen && Status != DossierStatus.SupplementRequested && today <= DueOn && DueOn.DayNumber - today.DayNumber <= 1;

    private TransitionRefusal Decide(Guid officerId, DateTimeOffset now, DossierStatus[] from, DossierStatus to, string action, string? reason, object? result = null)
    {
        if (!from.Contains(Status))
        {
            return TransitionRefusal.WrongState;
        }
        if (ClaimedBy is { } other && other != officerId)
        {
            return TransitionRefusal.ClaimedByAnother;
        }
        ClaimedBy = officerId;
        Reason = reason ?? Reason;
        if (to is DossierStatus.Approved or DossierStatus.Rejected)
        {
            DecidedAt = now;
            ResultJson = result is null ? null : JsonSerializer.Serialize(result);
            Reason = reason;
        }
        Record(to, action, now, $"officer:{officerId}", reason);
        return TransitionRefusal.None;
    }

    private void Record(DossierStatus to, string action, DateTimeOffset now, string actor, string? reason)
    {
        Transitions.Add(new DossierTransition { DossierId = Id, From = Status, To = to, Action = action, At = now, Actor = actor, Reason = reason });
        Status = to;
        Version++;
    }
}

/// <summary>One row per transition: the dossier's history, shown to the citizen and the officer.</summary>
internal sealed class DossierTransition
{
    public long Id { get; init; }
    public Guid DossierId { get; init; }
    public DossierStatus? From { get; init; }
    public DossierStatus To { get; init; }
    public required string Action { get; init; }
    public DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public string? Reason { get; init; }
}
