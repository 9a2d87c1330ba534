using System.Security.Claims;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Contracts;

/// <summary>
/// The citizen behind a signed-in account, for modules that act on the citizen's behalf (the portal). Only what such
/// a module needs leaves: the account and citizen ids, the assurance level and a confirmed phone number for
/// notifications; never the password hash, the security stamp or the sessions.
/// </summary>
public sealed record SignedInCitizen(Guid AccountId, Guid CitizenId, bool Level2, string? ConfirmedPhone)
{
    public string Actor => $"account:{AccountId}";
}

public sealed class SignedInCitizens(AccountsDbContext db)
{
    /// <summary>The cookie scheme of signed-in accounts, for modules with pages under /account.</summary>
    public const string Scheme = AccountCookie.Scheme;

    /// <summary>The authorization policy of administration pages.</summary>
    public const string AdministratorPolicy = IdentityPolicies.Administrator;

    /// <summary>The registry id of the signed-in citizen's account; null for staff, anonymous visitors and accounts without a record.</summary>
    public async Task<Guid?> CitizenIdAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (AccountCookie.AccountId(user) is not { } accountId)
        {
            return null;
        }
        return await db.Accounts.AsNoTracking().Where(a => a.Id == accountId && a.Kind == AccountKind.Citizen)
            .Select(a => a.CitizenId).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The signed-in account's opaque id (any kind), for audit records; null when anonymous.</summary>
    public static Guid? AccountIdOf(ClaimsPrincipal? user) => AccountCookie.AccountId(user);

    /// <summary>Whether the sign-in is a citizen's account (not staff), by its cookie alone.</summary>
    public static bool IsCitizenAccount(ClaimsPrincipal? user) =>
        AccountCookie.AccountId(user) is not null && user!.FindFirstValue(AccountCookie.KindClaim) == nameof(AccountKind.Citizen);

    /// <summary>Null for an anonymous request, a staff account, or a citizen account not linked to a registry record.</summary>
    public async Task<SignedInCitizen?> FindAsync(ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (!IsCitizenAccount(user) || AccountCookie.AccountId(user) is not { } accountId)
        {
            return null;
        }
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId && a.Kind == AccountKind.Citizen && a.CitizenId != null)
            .Select(a => new { a.CitizenId, a.Level, a.PhoneNumber, a.PhoneNumberConfirmed }).FirstOrDefaultAsync(cancellationToken);
        return account is null ? null
            : new SignedInCitizen(accountId, account.CitizenId!.Value, account.Level == AssuranceLevel.Level2,
                account.PhoneNumberConfirmed ? account.PhoneNumber : null);
    }

    /// <summary>The confirmed phone number of a citizen account, for a status notification; null when there is none.</summary>
    public Task<string?> ConfirmedPhoneAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().Where(a => a.Id == accountId && a.Kind == AccountKind.Citizen && a.PhoneNumberConfirmed)
            .Select(a => a.PhoneNumber).FirstOrDefaultAsync(cancellationToken);
}

/// <summary>The role claim an administrator's sign-in carries, for modules with administration pages.</summary>
public static class StaffRoles
{
    public const string Administrator = AccountCookie.AdministratorRole;
}
