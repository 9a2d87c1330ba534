using System.Globalization;
using System.Security.Claims;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

public enum SignInFailure
{
    None = 0,

    /// <summary>Unknown login, wrong password or wrong second factor: one answer for all, so nothing tells them apart.</summary>
    Invalid = 1,
    LockedOut = 2,
    Locked = 3,
}

/// <summary>
/// Password (and TOTP) sign-in with Identity's hasher and lockout. An unknown login costs the same hash verification
/// as a known one and gets the same answer; a locked or deceased citizen's account is refused after the password is
/// checked, so the lock itself is not an oracle for the password.
/// </summary>
public sealed class AccountSignIn(UserManager<Account> users, AccountsDbContext db, CitizenDirectory citizens, OfficerDirectory officers,
    IPasswordHasher<Account> hasher, UnknownLoginHash unknownLogin, TimeProvider clock, RecentSessionChecks recentSessions,
    Microsoft.Extensions.Options.IOptions<IdentityOptions> identity,
    Platform.Auditing.ReadAudit<AccountsDbContext> appends, AccountLookups lookups)
{

    public async Task<(Account? Account, SignInFailure Failure)> CheckAsync(string? login, string? password, string? code, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        login = (login ?? "").Trim();
        password ??= "";
        // The account and its holder's vital status in one query (ADR 0028).
        var row = login.Length is > 0 and <= 256 ? await lookups.ForSignIn(db, users.NormalizeName(login) ?? login, http.RequestAborted) : null;
        var account = row?.Account;
        if (account is null || account.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(new Account(), unknownLogin.Value, password);
            return (null, SignInFailure.Invalid);
        }
        if (await users.IsLockedOutAsync(account))
        {
            hasher.VerifyHashedPassword(account, unknownLogin.Value, password);
            await RecordAsync(account, LoginOutcome.LockedOut, http);
            return (account, SignInFailure.LockedOut);
        }
        // CheckPasswordAsync rehashes an old or weaker hash on success (Identity's SuccessRehashNeeded).
        if (!await users.CheckPasswordAsync(account, password))
        {
            await FailedAttemptAsync(account, http.RequestAborted);
            await RecordAsync(account, LoginOutcome.WrongPassword, http);
            return (account, SignInFailure.Invalid);
        }
        // A concurrent sign-in of the same account upgraded the hash first: this one's upgrade lost on the concurrency
        // stamp and left the account modified. The password was right; carry on with the row as it now is.
        if (db.Entry(account).State == EntityState.Modified)
        {
            await db.Entry(account).ReloadAsync(http.RequestAborted);
        }
        // A staff member whose second factor an administrator reset signs in with the password alone, within the
        // enrolment window, into a session without staff rights that can only enrol a new key (StaffTotpReset).
        if (account.TwoFactorEnabled || (account.IsStaff && !await StaffTotpReset.EnrolmentOpenAsync(users, account, clock.GetUtcNow())))
        {
            var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
            if (!account.TwoFactorEnabled || digits.Length != 6
                || !await users.VerifyTwoFactorTokenAsync(account, TokenOptions.DefaultAuthenticatorProvider, digits))
            {
                await FailedAttemptAsync(account, http.RequestAborted);
                await RecordAsync(account, LoginOutcome.WrongSecondFactor, http);
                return (account, SignInFailure.Invalid);
            }
        }
        if (account.Lock == AccountLock.None && await HolderDeceasedAsync(row!, http.RequestAborted) == true)
        {
            await LockAsync(account, AccountLock.Deceased, "registry: deceased", "system:registry", "Decree 69/2024 Art. 15");
        }
        // The lock is lifted once its reason is gone (Decree 69/2024 Art. 15), here too, so that neither a missed
        // notification of a cancelled death nor the expiry job's interval keeps a citizen out.
        else if (account.Lock == AccountLock.Deceased && await HolderDeceasedAsync(row!, http.RequestAborted) == false)
        {
            await UnlockAsync(account, "registry: death registration cancelled", "system:registry", "Decree 69/2024 Art. 15", http.TraceIdentifier);
        }
        else if (account.Lock == AccountLock.Police && account.LockEndsOn is { } ends && ends <= VietnamTime.DayOf(clock.GetUtcNow()))
        {
            await UnlockAsync(account, $"lock ended on {ends:yyyy-MM-dd}", "system:identity", "Decree 69/2024 Art. 15", http.TraceIdentifier);
        }
        if (account.Lock != AccountLock.None)
        {
            await RecordAsync(account, LoginOutcome.Locked, http);
            return (account, SignInFailure.Locked);
        }
        if (account.AccessFailedCount > 0)
        {
            await db.Accounts.Where(a => a.Id == account.Id)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.AccessFailedCount, 0), http.RequestAborted);
        }
        return (account, SignInFailure.None);
    }

    /// <summary>
    /// Whether the registry records the account's holder as deceased; null for an account without a holder or a holder
    /// without a record. The sign-in's own query brought the status (ADR 0028); a merged record's is its survivor's,
    /// which the registry's directory follows.
    /// </summary>
    private async Task<bool?> HolderDeceasedAsync(SignInRow row, CancellationToken cancellationToken)
    {
        if (row.Account.CitizenId is not { } citizenId || row.HolderStatus is not { } status)
        {
            return null;
        }
        if (row.HolderMergedIntoId is not null)
        {
            return (await citizens.FindAsync(citizenId, cancellationToken))?.Deceased;
        }
        return status == Registry.Citizens.CitizenStatus.Deceased;
    }

    /// <summary>
    /// One more failed attempt, counted by the database itself. Identity's AccessFailedAsync writes back the count it
    /// read, guarded by the account's concurrency stamp: of several wrong guesses at one account in parallel, all but
    /// the first lost that race and went uncounted, so an attacker with many connections got many guesses per count.
    /// As in Identity, reaching the maximum locks the account out and starts the count again. A wrong password typed
    /// again in a signed-in browser counts too (<see cref="ConfirmPasswordAsync"/>, the password change): otherwise a
    /// browser left signed in would let anyone guess the password without limit.
    /// </summary>
    internal async Task FailedAttemptAsync(Account account, CancellationToken cancellationToken)
    {
        var max = identity.Value.Lockout.MaxFailedAccessAttempts;
        var until = clock.GetUtcNow() + identity.Value.Lockout.DefaultLockoutTimeSpan;
        await db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(a => a
            .SetProperty(x => x.LockoutEnd, x => x.LockoutEnabled && x.AccessFailedCount + 1 >= max ? until : x.LockoutEnd)
            .SetProperty(x => x.AccessFailedCount, x => x.LockoutEnabled && x.AccessFailedCount + 1 >= max ? 0 : x.AccessFailedCount + 1),
            cancellationToken);
    }

    /// <summary>
    /// The holder's password asked again in a signed-in browser before a change that needs it (locking the account):
    /// false when wrong (counted as a failed attempt) or while the account is locked out after failures (not checked).
    /// </summary>
    internal async Task<bool> ConfirmPasswordAsync(Account account, string? password, CancellationToken cancellationToken)
    {
        if (await users.IsLockedOutAsync(account))
        {
            return false;
        }
        if (password is { Length: > 0 and <= 1024 } && await users.CheckPasswordAsync(account, password))
        {
            return true;
        }
        await FailedAttemptAsync(account, cancellationToken);
        return false;
    }

    /// <summary>Opens a session for a checked account and sets the cookie.</summary>
    /// <remarks>
    /// The session, the login-history row and the audit record only add rows, so they are committed together through
    /// the audit's group commit (ADR 0027): one round trip, shared with the sign-ins of that moment, and the cookie
    /// is set only once all three are durable. Changes the caller left pending in the accounts context are saved the
    /// usual way, in one transaction with the three rows.
    /// </remarks>
    public async Task<ClaimsPrincipal> SignInAsync(Account account, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(http);
        var now = clock.GetUtcNow();
        var session = new AccountSession
        {
            Id = Guid.CreateVersion7(now),
            AccountId = account.Id,
            CreatedAt = now,
            LastSeenAt = now,
            Device = Device(http),
            Address = http.Connection.RemoteIpAddress?.ToString(),
            Methods = account.TwoFactorEnabled ? "pwd otp" : "pwd",
        };
        var signedIn = Event(account, LoginOutcome.Success, http, now);
        var audit = IdentityAudit.Of($"account:{account.Id}", "account.signed-in", $"account:{account.Id}", "sign-in",
            "Decree 69/2024 Art. 12", http.TraceIdentifier, null);
        if (db.ChangeTracker.HasChanges())
        {
            db.Sessions.Add(session);
            db.LoginEvents.Add(signedIn);
            db.Audit(audit);
            await db.SaveChangesAsync(http.RequestAborted);
        }
        else
        {
            await appends.AppendAsync(audit, session, signedIn).WaitAsync(http.RequestAborted);
        }

        var principal = await PrincipalAsync(account, session, http.RequestAborted);
        await http.SignInAsync(AccountCookie.Scheme, principal);
        return principal;
    }

    public async Task<ClaimsPrincipal> PrincipalAsync(Account account, AccountSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(session);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Id.ToString()),
            new(AccountCookie.SessionClaim, session.Id.ToString()),
            new(AccountCookie.KindClaim, account.Kind.ToString()),
            new(AccountCookie.LevelClaim, account.Acr),
            new(AccountCookie.AuthTimeClaim, session.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(session.Methods.Split(' ').Select(m => new Claim(AccountCookie.MethodsClaim, m)));
        if (account.DisplayName is { } name)
        {
            claims.Add(new Claim(ClaimTypes.Name, name));
        }
        // Staff rights only with the second factor: a staff member who must enrol a new key gets none until then.
        var staffRights = !account.IsStaff || account.TwoFactorEnabled;
        if (account.Kind == AccountKind.Administrator && staffRights)
        {
            claims.Add(new Claim(ClaimTypes.Role, AccountCookie.AdministratorRole));
        }
        if (account.Kind == AccountKind.Officer && staffRights && await officers.FindAsync(account.Id, cancellationToken) is { } officer)
        {
            claims.AddRange(OfficerDirectory.Claims(officer));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AccountCookie.Scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Locks an account, revokes its sessions and OpenID tokens; audited with the reason. False when another
    /// change of the account won (its concurrency stamp): nothing is revoked then.</summary>
    public async Task<bool> LockAsync(Account account, AccountLock kind, string reason, string actor, string legalBasis, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = clock.GetUtcNow();
        account.Lock = kind;
        account.LockReason = reason;
        account.LockedAt = now;
        if (kind != AccountLock.Police)
        {
            account.LockEndsOn = null;
        }
        db.Audit(IdentityAudit.Of(actor, "account.locked", $"account:{account.Id}", reason, legalBasis, requestId,
            kind.ToString() + (account.LockEndsOn is { } ends ? $"; ends {ends:yyyy-MM-dd}" : "")));
        if (kind is AccountLock.Police or AccountLock.Holder)
        {
            Notices.Locked(db, account);
        }
        if (!(await users.UpdateAsync(account)).Succeeded)
        {
            return false;
        }
        await RevokeEverywhereAsync(account.Id, now);
        return true;
    }

    /// <summary>Lifts a lock; audited with the reason and the lock it lifts. The sessions the lock ended stay ended.</summary>
    public async Task<bool> UnlockAsync(Account account, string reason, string actor, string legalBasis, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        var lifted = account.Lock;
        account.Lock = AccountLock.None;
        account.LockReason = null;
        account.LockedAt = null;
        account.LockEndsOn = null;
        db.Audit(IdentityAudit.Of(actor, "account.unlocked", $"account:{account.Id}", reason, legalBasis, requestId, lifted.ToString()));
        Notices.Unlocked(db, account);
        return (await users.UpdateAsync(account)).Succeeded;
    }

    /// <summary>Ends every browser session and revokes every token the provider issued for the account.</summary>
    public async Task RevokeEverywhereAsync(Guid accountId, DateTimeOffset now)
    {
        await db.Sessions.Where(s => s.AccountId == accountId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
        recentSessions.ForgetAll();
        // Tokens are linked to the account through their authorization entries (subject = account id): revoking
        // those makes every access and refresh token issued under them fail validation and introspection.
        var subject = accountId.ToString();
        await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization<Guid>>()
            .Where(a => a.Subject == subject && a.Status == OpenIddict.Abstractions.OpenIddictConstants.Statuses.Valid)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, OpenIddict.Abstractions.OpenIddictConstants.Statuses.Revoked));
    }

    private async Task RecordAsync(Account account, LoginOutcome outcome, HttpContext http)
    {
        db.LoginEvents.Add(Event(account, outcome, http, clock.GetUtcNow()));
        await db.SaveChangesAsync(http.RequestAborted);
    }

    private static LoginEvent Event(Account account, LoginOutcome outcome, HttpContext http, DateTimeOffset now) => new()
    {
        AccountId = account.Id,
        At = now,
        Outcome = outcome,
        Device = Device(http),
        Address = http.Connection.RemoteIpAddress?.ToString(),
    };

    internal static string? Device(HttpContext http)
    {
        var agent = http.Request.Headers.UserAgent.ToString();
        return agent.Length == 0 ? null : agent[..Math.Min(agent.Length, 200)];
    }
}
