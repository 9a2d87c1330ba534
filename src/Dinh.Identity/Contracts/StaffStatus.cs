using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Contracts;

/// <summary>
/// Whether a staff account can still sign in and act, for modules that hold work an officer took (the portal's claimed
/// dossiers): false once an administrator deactivated it or it is locked, or when there is no such staff account.
/// </summary>
public sealed class StaffStatus(AccountsDbContext db)
{
    public Task<bool> IsActiveAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().AnyAsync(a => a.Id == accountId && (a.Kind == AccountKind.Officer || a.Kind == AccountKind.Administrator)
            && a.Lock == AccountLock.None, cancellationToken);
}
