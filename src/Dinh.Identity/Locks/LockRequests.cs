using Dinh.Identity.Accounts;
using Dinh.Identity.Contracts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Registry.Officers;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Locks;

public enum LockRequestRefusal
{
    None = 0,
    NotPolice,
    NotDecider,
    NoAccount,
    AccountState,
    ReasonRequired,
    GroundInvalid,
    EndDateInvalid,
    RequestOpen,
    RequestDecided,
    OwnRequest,
}

/// <summary>
/// The request path of Decree 69/2024 Art. 15: the police of a commune or province file a request to lock or unlock a
/// citizen's account, with a ground and a reason; the national identity administration (C06: police with a national
/// jurisdiction) approves it — the account is locked or unlocked in the same transaction, a lock ending every session
/// and token — or refuses it with a reason. Every step is audited with the legal basis.
/// </summary>
internal sealed class LockRequests(AccountsDbContext db, AccountSignIn signIn, IWorkingDayCalendar calendar, TimeProvider clock)
{
    public const string LegalBasis = "Decree 69/2024/ND-CP Art. 15";

    /// <summary>Commune and provincial police file; the national level decides and does not file to itself.</summary>
    public static bool MayFile(Officer officer) => MayFile(officer.Role, officer.JurisdictionLevel);

    public static bool MayFile(OfficerRole role, JurisdictionLevel level) =>
        role == OfficerRole.ResidencePolice && level is JurisdictionLevel.Commune or JurisdictionLevel.Province;

    public static bool MayDecide(Officer officer) => MayDecide(officer.Role, officer.JurisdictionLevel);

    public static bool MayDecide(OfficerRole role, JurisdictionLevel level) =>
        role == OfficerRole.ResidencePolice && level == JurisdictionLevel.National;

    public static bool GroundFits(LockRequestKind kind, LockGround ground) => kind switch
    {
        LockRequestKind.Lock => ground is LockGround.HolderRequest or LockGround.DeviceLostOrCompromised or LockGround.AuthorityDecision,
        LockRequestKind.Unlock => ground is LockGround.HolderRequest or LockGround.AuthorityDecision or LockGround.ReasonGone,
        _ => false,
    };

    /// <summary>What the account's state lets the police ask for: a lock when it is open, an unlock when the police or the holder locked it.</summary>
    public static LockRequestKind? KindFor(Account account) => account.Lock switch
    {
        AccountLock.None => LockRequestKind.Lock,
        AccountLock.Police or AccountLock.Holder => LockRequestKind.Unlock,
        AccountLock.Deceased or AccountLock.Deactivated => null,
        _ => throw new ArgumentOutOfRangeException(nameof(account), account.Lock, null),
    };

    public Task<AccountLockRequest?> OpenForAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.LockRequests.AsNoTracking().FirstOrDefaultAsync(r => r.AccountId == accountId && r.Status == LockRequestStatus.Open, cancellationToken);

    public async Task<(LockRequestRefusal Refusal, AccountLockRequest? Request)> FileAsync(Officer officer, Guid accountId, LockGround ground,
        string? reason, DateOnly? lockEndsOn, string? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        if (!MayFile(officer))
        {
            return (LockRequestRefusal.NotPolice, null);
        }
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > AccountLockRequest.ReasonLength)
        {
            return (LockRequestRefusal.ReasonRequired, null);
        }
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId && a.Kind == AccountKind.Citizen, cancellationToken);
        if (account is null)
        {
            return (LockRequestRefusal.NoAccount, null);
        }
        if (KindFor(account) is not { } kind)
        {
            return (LockRequestRefusal.AccountState, null);
        }
        if (!GroundFits(kind, ground))
        {
            return (LockRequestRefusal.GroundInvalid, null);
        }
        var now = clock.GetUtcNow();
        var today = VietnamTime.DayOf(now);
        if (lockEndsOn is { } ends && (kind != LockRequestKind.Lock || ends <= today || ends > today.AddYears(10)))
        {
            return (LockRequestRefusal.EndDateInvalid, null);
        }
        if (await OpenForAsync(accountId, cancellationToken) is not null)
        {
            return (LockRequestRefusal.RequestOpen, null);
        }
        var request = new AccountLockRequest
        {
            Id = Guid.CreateVersion7(now),
            AccountId = accountId,
            Kind = kind,
            Ground = ground,
            Reason = reason,
            LockEndsOn = lockEndsOn,
            FiledBy = officer.Id,
            OfficeUnitCode = officer.JurisdictionCode,
            FiledAt = now,
            DueOn = await calendar.DueAsync(today, AccountLockRequest.TimeLimitWorkingDays, cancellationToken),
        };
        db.LockRequests.Add(request);
        db.Audit(IdentityAudit.Of($"officer:{officer.Id}", $"account.{Action(kind)}-request.filed", $"account:{accountId}", reason, LegalBasis, requestId,
            $"request {request.Id}; ground {ground}; due {request.DueOn:yyyy-MM-dd}" + (lockEndsOn is { } e ? $"; ends {e:yyyy-MM-dd}" : "")));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on open requests: another officer filed one for the same account at the same moment.
            db.ChangeTracker.Clear();
            return (LockRequestRefusal.RequestOpen, null);
        }
        return (LockRequestRefusal.None, request);
    }

    public async Task<LockRequestRefusal> ApproveAsync(Guid requestId, Officer officer, string? traceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var request = await db.LockRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (Refusal(request, officer) is { } refusal)
        {
            return refusal;
        }
        var account = await db.Accounts.FirstAsync(a => a.Id == request!.AccountId, cancellationToken);
        if (KindFor(account) != request!.Kind)
        {
            // The account changed since the request was filed (a death registered, another path locked it).
            return LockRequestRefusal.AccountState;
        }
        var actor = $"officer:{officer.Id}";
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        request.Approve(officer.Id, clock.GetUtcNow());
        db.Audit(IdentityAudit.Of(actor, $"account.{Action(request.Kind)}-request.approved", $"account:{account.Id}", request.Reason, LegalBasis, traceId,
            $"request {request.Id}"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return LockRequestRefusal.RequestDecided;
        }
        bool changed;
        if (request.Kind == LockRequestKind.Lock)
        {
            account.LockEndsOn = request.LockEndsOn;
            changed = await signIn.LockAsync(account, AccountLock.Police, request.Reason, actor, LegalBasis, traceId);
        }
        else
        {
            changed = await signIn.UnlockAsync(account, request.Reason, actor, LegalBasis, traceId);
        }
        if (!changed)
        {
            // Rolled back when the transaction is disposed; nothing of it may be saved by a later unit of work.
            db.ChangeTracker.Clear();
            return LockRequestRefusal.AccountState;
        }
        await transaction.CommitAsync(cancellationToken);
        return LockRequestRefusal.None;
    }

    public async Task<LockRequestRefusal> RefuseAsync(Guid requestId, Officer officer, string? reason, string? traceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > AccountLockRequest.ReasonLength)
        {
            return LockRequestRefusal.ReasonRequired;
        }
        var request = await db.LockRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (Refusal(request, officer) is { } refusal)
        {
            return refusal;
        }
        request!.Refuse(officer.Id, reason, clock.GetUtcNow());
        db.Audit(IdentityAudit.Of($"officer:{officer.Id}", $"account.{Action(request.Kind)}-request.refused", $"account:{request.AccountId}", reason,
            LegalBasis, traceId, $"request {request.Id}"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return LockRequestRefusal.RequestDecided;
        }
        return LockRequestRefusal.None;
    }

    private static LockRequestRefusal? Refusal(AccountLockRequest? request, Officer officer) =>
        !MayDecide(officer) ? LockRequestRefusal.NotDecider
        : request is not { IsOpen: true } ? LockRequestRefusal.RequestDecided
        : request.FiledBy == officer.Id ? LockRequestRefusal.OwnRequest
        : null;

    private static string Action(LockRequestKind kind) => kind == LockRequestKind.Lock ? "lock" : "unlock";
}
