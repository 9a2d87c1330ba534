using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

/// <summary>The registry recorded a death: the citizen's account is locked and every session and token revoked.</summary>
internal sealed class DeathLocksAccount(Persistence.AccountsDbContext db, AccountSignIn signIn) : ICitizenLifeEvents
{
    public async Task CitizenDiedAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == citizenId, cancellationToken);
        if (account is { Lock: AccountLock.None })
        {
            await signIn.LockAsync(account, AccountLock.Deceased, "registry: death registered", "system:registry", "Decree 69/2024 Art. 15");
        }
    }
}
