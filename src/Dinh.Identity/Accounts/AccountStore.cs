using Dinh.Identity.Persistence;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

/// <summary>
/// Identity's EF Core store for accounts, with the look-up every sign-in starts with compiled once
/// (<see cref="AccountLookups"/>): EF Core otherwise rebuilds and hashes the query's expression on each call.
/// </summary>
internal sealed class AccountStore(AccountsDbContext context, AccountLookups lookups, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<Account, AccountsDbContext, Guid>(context, describer)
{
    public override Task<Account?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        return lookups.ByNormalizedName(Context, normalizedUserName, cancellationToken);
    }
}

/// <summary>
/// Compiled account queries, one set per application (a singleton): a compiled query keeps the provider of the first
/// context it ran on, so it must not be shared by hosts on different databases.
/// </summary>
public sealed class AccountLookups
{
    internal Func<AccountsDbContext, string, CancellationToken, Task<Account?>> ByNormalizedName { get; } =
        EF.CompileAsyncQuery((AccountsDbContext db, string name, CancellationToken _) =>
            db.Accounts.FirstOrDefault(a => a.NormalizedUserName == name));

    /// <summary>
    /// A sign-in's account with its holder's vital status from the registry's table, in one query (ADR 0028). The
    /// account is tracked, as Identity's look-up tracks it: Identity's validation of an update (a hash upgrade, a lock)
    /// looks the account up by name again and must find this same instance.
    /// </summary>
    internal Func<AccountsDbContext, string, CancellationToken, Task<SignInRow?>> ForSignIn { get; } =
        EF.CompileAsyncQuery((AccountsDbContext db, string name, CancellationToken _) =>
            (from account in db.Accounts
             where account.NormalizedUserName == name
             join citizen in db.Set<CitizenVitalStatus>() on account.CitizenId equals (Guid?)citizen.Id into holders
             from holder in holders.DefaultIfEmpty()
             select new SignInRow(account, holder == null ? null : (CitizenStatus?)holder.Status, holder == null ? null : holder.MergedIntoId))
            .FirstOrDefault());
}

/// <summary>An account found for a sign-in, and what the registry records of its holder (nulls: no holder, or no record).</summary>
internal sealed record SignInRow(Account Account, CitizenStatus? HolderStatus, Guid? HolderMergedIntoId);
