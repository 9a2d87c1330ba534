using Dinh.Identity.Persistence;
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
internal sealed class AccountLookups
{
    public Func<AccountsDbContext, string, CancellationToken, Task<Account?>> ByNormalizedName { get; } =
        EF.CompileAsyncQuery((AccountsDbContext db, string name, CancellationToken _) =>
            db.Accounts.FirstOrDefault(a => a.NormalizedUserName == name));
}
