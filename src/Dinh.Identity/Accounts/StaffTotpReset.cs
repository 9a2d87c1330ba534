using Dinh.Identity.Persistence;
using Microsoft.AspNetCore.Identity;

namespace Dinh.Identity.Accounts;

public enum TotpResetRefusal
{
    None = 0,
    NotStaff,
    Self,
    ReasonRequired,
}

/// <summary>
/// An officer or administrator who lost their authenticator: an administrator resets the second factor with a reason
/// (audited). The old key stops working at once and every session and token of the account ends. Within
/// <see cref="EnrolmentWindow"/> the person signs in with the password alone into a session without staff rights, whose
/// only use is enrolling a new key on /account; staff rights come with the next sign-in, made with the new key. After
/// the window, the password alone opens nothing and an administrator resets again. `dinh accounts reset-totp` does the
/// same from the command line, for the last administrator who lost their key.
/// </summary>
internal sealed class StaffTotpReset(AccountsDbContext db, UserManager<Account> users, AccountSignIn signIn, TimeProvider clock)
{
    public const string TokenProvider = "Dinh";
    public const string TokenName = "totp-reset-at";
    public static readonly TimeSpan EnrolmentWindow = TimeSpan.FromDays(3);

    /// <param name="administratorId">The administrator at /admin/staff, who may not reset their own; null for `dinh accounts reset-totp`.</param>
    public async Task<TotpResetRefusal> ResetAsync(Guid accountId, Guid? administratorId, string? reason, string? requestId)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500)
        {
            return TotpResetRefusal.ReasonRequired;
        }
        if (accountId == administratorId)
        {
            return TotpResetRefusal.Self;
        }
        if (await users.FindByIdAsync(accountId.ToString()) is not { IsStaff: true } staff)
        {
            return TotpResetRefusal.NotStaff;
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync();
        // A new random key nobody holds: codes of the lost authenticator fail from now on.
        await users.ResetAuthenticatorKeyAsync(staff);
        await users.SetTwoFactorEnabledAsync(staff, false);
        await users.SetAuthenticationTokenAsync(staff, TokenProvider, TokenName, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        db.Audit(IdentityAudit.Of(administratorId is { } admin ? $"account:{admin}" : "system:cli", "account.totp.reset", $"account:{staff.Id}", reason, "Decree 69/2024 Art. 12",
            requestId, staff.Kind.ToString()));
        await db.SaveChangesAsync();
        await signIn.RevokeEverywhereAsync(staff.Id, now);
        await transaction.CommitAsync();
        return TotpResetRefusal.None;
    }

    /// <summary>Whether a staff account without a second factor may sign in with its password to enrol a new key.</summary>
    public static async Task<bool> EnrolmentOpenAsync(UserManager<Account> users, Account account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(account);
        return !account.TwoFactorEnabled
            && long.TryParse(await users.GetAuthenticationTokenAsync(account, TokenProvider, TokenName), out var at)
            && now - DateTimeOffset.FromUnixTimeSeconds(at) < EnrolmentWindow;
    }
}
