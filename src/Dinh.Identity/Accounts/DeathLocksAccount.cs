using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

/// <summary>The registry recorded a death: the citizen's account is locked and every session and token revoked; a
/// cancelled death lifts that lock.</summary>
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

    /// <summary>The reason for the automatic lock is gone: it is lifted (Decree 69/2024 Art. 15). A police lock stays.</summary>
    public async Task CitizenDeathCancelledAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == citizenId, cancellationToken);
        if (account is { Lock: AccountLock.Deceased })
        {
            await signIn.UnlockAsync(account, "registry: death registration cancelled", "system:registry", "Decree 69/2024 Art. 15");
        }
    }
}
