using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Pages.Account;

/// <summary>
/// "My account": level, sessions and devices with "sign out everywhere", sign-in history, connected apps (consents,
/// revocable), password change and the TOTP second factor.
/// </summary>
internal sealed class IndexModel(AccountsDbContext db, UserManager<Accounts.Account> users, AccountSignIn signIn, CitizenDirectory citizens,
    OfficerDirectory officers, IOpenIddictAuthorizationManager authorizations, Registration.OneTimeCodes codes, TimeProvider clock, IStringLocalizer<IdentityText> text) : PageModel
{
    public Accounts.Account Me { get; private set; } = null!;

    /// <summary>An officer's directory entry (role and jurisdiction) and the current name of its unit.</summary>
    public Registry.Officers.Officer? Officer { get; private set; }

    public string? UnitName { get; private set; }
    public CitizenIdentity? Citizen { get; private set; }
    public IReadOnlyList<AccountSession> Sessions { get; private set; } = [];
    public IReadOnlyList<LoginEvent> Logins { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name, string Scopes, DateTimeOffset? Since)> Apps { get; private set; } = [];
    public Guid? CurrentSession { get; private set; }
    public string? Message { get; private set; }

    /// <summary>A new staff account still on the password an administrator was shown: the person sets their own before enrolling a key.</summary>
    public bool PasswordChangeRequired { get; private set; }

    public string? Error { get; private set; }
    public string? NewTotpKey { get; private set; }
    public Guid? EmailChallenge { get; private set; }

    /// <summary>The latest level-2 application received at a police office for this citizen, if any.</summary>
    public Level2.Level2Application? Application { get; private set; }

    /// <summary>Lock and unlock requests about the account, newest first: what the police asked, why, and the decision (no officer is named).</summary>
    public IReadOnlyList<Locks.AccountLockRequest> LockRequests { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostSignOutEverywhereAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        await signIn.RevokeEverywhereAsync(Me.Id, clock.GetUtcNow());
        db.Audit(IdentityAudit.Of($"account:{Me.Id}", "account.signed-out-everywhere", $"account:{Me.Id}", "account owner", "Decree 69/2024", HttpContext.TraceIdentifier, null));
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        return LocalRedirect("/account/login");
    }

    /// <summary>
    /// The holder locks their own account at once (Decree 69/2024 Art. 15, the holder's request): every session and
    /// token ends, an SMS tells the verified phone. The password is asked again, so that a browser left signed in cannot
    /// lock someone out; unlocking is the police's, in person.
    /// </summary>
    public async Task<IActionResult> OnPostLockSelfAsync(string? password)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (!await signIn.ConfirmPasswordAsync(Me, password, HttpContext.RequestAborted))
        {
            Error = await users.IsLockedOutAsync(Me) ? text["Login.LockedOut"] : text["SelfLock.WrongPassword"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!await signIn.LockAsync(Me, AccountLock.Holder, "holder's request from their account", $"account:{Me.Id}", "Decree 69/2024/ND-CP Art. 15",
                HttpContext.TraceIdentifier))
        {
            Error = text["SelfLock.Failed"];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        await Oidc.AccountSessions.EndCurrentAsync(HttpContext);
        return LocalRedirect("/account/login");
    }

    public async Task<IActionResult> OnPostRevokeAppAsync(string id)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (await authorizations.FindByIdAsync(id, HttpContext.RequestAborted) is { } authorization
            && await authorizations.GetSubjectAsync(authorization, HttpContext.RequestAborted) == Me.Id.ToString())
        {
            await authorizations.TryRevokeAsync(authorization, HttpContext.RequestAborted);
            db.Audit(IdentityAudit.Of($"account:{Me.Id}", "oidc.consent.withdrawn", $"account:{Me.Id}", "account owner", "Decree 13/2023 Art. 12", HttpContext.TraceIdentifier, id));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            Message = text["Account.AppRevoked"];
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(string? current, string? password, string? confirm)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (password is null || password != confirm || password.Length > 1024)
        {
            Error = text["Password.Mismatch"];
        }
        else if (await users.IsLockedOutAsync(Me))
        {
            Error = text["Login.LockedOut"];
        }
        else
        {
            var result = await users.ChangePasswordAsync(Me, current ?? "", password);
            Error = result.Succeeded ? null : PasswordErrors.Describe(result, text);
            if (result.Errors.Any(e => e.Code == "PasswordMismatch"))
            {
                // A wrong current password counts towards the lockout, as at sign-in (AccountSignIn.FailedAttemptAsync).
                await signIn.FailedAttemptAsync(Me, HttpContext.RequestAborted);
            }
            if (result.Succeeded)
            {
                // A new staff member's own password: the key comes next (StaffAccounts.CreateAsync).
                await users.RemoveAuthenticationTokenAsync(Me, StaffTotpReset.TokenProvider, StaffAccounts.PasswordChangeTokenName);
                db.Audit(IdentityAudit.Of($"account:{Me.Id}", "account.password.changed", $"account:{Me.Id}", "account owner", "Decree 69/2024", HttpContext.TraceIdentifier, null));
                await db.SaveChangesAsync(HttpContext.RequestAborted);
                Message = text["Password.Changed"];
            }
        }
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostTotpAsync(string? code)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        if (Me.TwoFactorEnabled)
        {
            // Already on: a stray post must not replace the key the authenticator app holds (the page would not show
            // the new one, and a staff member, who cannot sign in without it, would be locked out).
            return Page();
        }
        if (PasswordChangeRequired)
        {
            // The administrator who created the account knows its first password: the key is enrolled under the person's own.
            return Fail(text["Totp.PasswordFirst"]);
        }
        var key = await users.GetAuthenticatorKeyAsync(Me);
        if (key is null || string.IsNullOrWhiteSpace(code))
        {
            await users.ResetAuthenticatorKeyAsync(Me);
            NewTotpKey = await users.GetAuthenticatorKeyAsync(Me);
            return Page();
        }
        var digits = new string(code.Where(char.IsAsciiDigit).ToArray());
        if (await users.VerifyTwoFactorTokenAsync(Me, TokenOptions.DefaultAuthenticatorProvider, digits))
        {
            await users.SetTwoFactorEnabledAsync(Me, true);
            db.Audit(IdentityAudit.Of($"account:{Me.Id}", "account.totp.enabled", $"account:{Me.Id}", "account owner", "Decree 69/2024", HttpContext.TraceIdentifier, null));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            Message = text["Totp.Enabled"];
            if (Me.IsStaff)
            {
                // The session was opened without staff rights; they come with a sign-in that uses the new key.
                await users.RemoveAuthenticationTokenAsync(Me, StaffTotpReset.TokenProvider, StaffTotpReset.TokenName);
                await signIn.RevokeEverywhereAsync(Me.Id, clock.GetUtcNow());
                await HttpContext.SignOutAsync(AccountCookie.Scheme);
                return LocalRedirect("/account/login?enrolled=1");
            }
        }
        else
        {
            NewTotpKey = key;
            Error = text["Totp.Wrong"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync();
        return Page();
    }

    /// <summary>Sets (or keeps) the e-mail address and sends a code to it; the address counts for resets once the code is entered.</summary>
    public async Task<IActionResult> OnPostEmailAsync(string? email)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        var address = email?.Trim();
        if (address is not { Length: > 3 and <= 254 } || !address.Contains('@', StringComparison.Ordinal) || address.Contains(' ', StringComparison.Ordinal))
        {
            return Fail(text["Register.Error.Email"]);
        }
        if (!string.Equals(Me.Email, address, StringComparison.OrdinalIgnoreCase))
        {
            var changed = await users.SetEmailAsync(Me, address);
            if (!changed.Succeeded)
            {
                return Fail(text["Register.Error.Email"]);
            }
            db.Audit(IdentityAudit.Of($"account:{Me.Id}", "account.email.changed", $"account:{Me.Id}", "account owner", "Decree 69/2024",
                HttpContext.TraceIdentifier, null));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
        }
        EmailChallenge = await codes.StartEmailVerificationAsync(Me, HttpContext.RequestAborted);
        Message = text["Email.Sent"];
        return Page();
    }

    public async Task<IActionResult> OnPostEmailCodeAsync(Guid challenge, string? code)
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }
        var found = code is { Length: <= 20 } ? await codes.CheckAsync(challenge, code, HttpContext.RequestAborted) : null;
        if (found is not { Purpose: Accounts.CodePurpose.EmailVerification } || found.AccountId != Me.Id
            || !string.Equals(found.Email, Me.Email, StringComparison.OrdinalIgnoreCase))
        {
            EmailChallenge = challenge;
            return Fail(text["Verify.Wrong"]);
        }
        Me.EmailConfirmed = true;
        await users.UpdateAsync(Me);
        db.Audit(IdentityAudit.Of($"account:{Me.Id}", "account.email.verified", $"account:{Me.Id}", "account owner, code by e-mail", "Decree 69/2024",
            HttpContext.TraceIdentifier, null));
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        Message = text["Email.Verified"];
        return Page();
    }

    private PageResult Fail(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        if (AccountCookie.AccountId(User) is not { } id || await users.FindByIdAsync(id.ToString()) is not { } me)
        {
            return false;
        }
        Me = me;
        PasswordChangeRequired = me.IsStaff && !me.TwoFactorEnabled
            && await users.GetAuthenticationTokenAsync(me, StaffTotpReset.TokenProvider, StaffAccounts.PasswordChangeTokenName) is not null;
        CurrentSession = AccountCookie.SessionId(User);
        Citizen = me.CitizenId is { } citizenId ? await citizens.FindAsync(citizenId, HttpContext.RequestAborted) : null;
        if (me.Kind == Accounts.AccountKind.Officer)
        {
            // The officer's current role and jurisdiction, from the directory: after a move, the page says where they now work.
            Officer = await officers.FindAsync(me.Id, HttpContext.RequestAborted);
            UnitName = Officer?.JurisdictionCode is { } code
                ? (await officers.UnitNamesAsync([code], HttpContext.RequestAborted)).GetValueOrDefault(code) : null;
        }
        Application = me.CitizenId is { } mine
            ? await db.Level2Applications.AsNoTracking().Where(a => a.CitizenId == mine).OrderByDescending(a => a.Id).FirstOrDefaultAsync(HttpContext.RequestAborted)
            : null;
        LockRequests = await db.LockRequests.AsNoTracking().Where(r => r.AccountId == id).OrderByDescending(r => r.Id).Take(10)
            .ToListAsync(HttpContext.RequestAborted);
        Sessions = await db.Sessions.AsNoTracking().Where(s => s.AccountId == id && s.RevokedAt == null)
            .OrderByDescending(s => s.Id).Take(20).ToListAsync(HttpContext.RequestAborted);
        Logins = await db.LoginEvents.AsNoTracking().Where(l => l.AccountId == id).OrderByDescending(l => l.Id).Take(20).ToListAsync(HttpContext.RequestAborted);
        var subject = id.ToString();
        var apps = await db.Set<OpenIddictEntityFrameworkCoreAuthorization<Guid>>().AsNoTracking()
            .Where(a => a.Subject == subject && a.Status == Statuses.Valid && a.Type == AuthorizationTypes.Permanent)
            .Select(a => new { a.Id, Name = a.Application!.DisplayName ?? a.Application.ClientId, a.Scopes, a.CreationDate })
            .ToListAsync(HttpContext.RequestAborted);
        Apps = apps.Select(a => (a.Id.ToString(), a.Name ?? "", string.Join(" ", System.Text.Json.JsonSerializer.Deserialize<string[]>(a.Scopes ?? "[]") ?? []),
            a.CreationDate is { } d ? (DateTimeOffset?)new DateTimeOffset(d, TimeSpan.Zero) : null)).ToList();
        return true;
    }
}

internal static class PasswordErrors
{
    public static string Describe(IdentityResult result, IStringLocalizer<IdentityText> text) =>
        result.Errors.Select(e => e.Code).FirstOrDefault() switch
        {
            "PasswordMismatch" => text["Password.WrongCurrent"],
            "PasswordTooShort" => text["Password.TooShort"],
            "PasswordRequiresUniqueChars" => text["Password.TooSimple"],
            _ => text["Password.Rejected"],
        };
}
