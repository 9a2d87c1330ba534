using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

/// <summary>The registry's changes that concern accounts: a death locks the citizen's account and revokes every session
/// and token, a cancelled death lifts that lock, an ended guardianship unlinks the ward's account from the guardian.</summary>
internal sealed class AccountsFollowRegistry(Persistence.AccountsDbContext db, AccountSignIn signIn) : ICitizenLifeEvents
{
    public async Task CitizenDiedAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == citizenId, cancellationToken);
        if (account is { Lock: AccountLock.None })
        {
            await signIn.LockAsync(account, AccountLock.Deceased, "registry: death registered", "system:registry", "Decree 69/2024 Art. 15");
        }
    }

    /// <summary>
    /// A guardianship ended: the ward's account, registered by that guardian (Decree 69/2024 Art. 7), is no longer
    /// linked to theirs. A parent's link is not a guardianship and stays; a new guardian links the ward at the counter.
    /// </summary>
    public async Task GuardianshipEndedAsync(Guid wardId, Guid guardianId, string legalBasis, CancellationToken cancellationToken)
    {
        var guardianAccount = await db.Accounts.AsNoTracking().Where(a => a.CitizenId == guardianId).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(cancellationToken);
        var ward = guardianAccount is { } linkedTo
            ? await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == wardId && a.GuardianAccountId == linkedTo, cancellationToken)
            : null;
        if (ward is null)
        {
            return;
        }
        ward.GuardianAccountId = null;
        db.Audit(IdentityAudit.Of("system:registry", "account.guardian-unlinked", $"account:{ward.Id}", "guardianship ended",
            $"{legalBasis}; Decree 69/2024 Art. 7", null, $"former guardian account {guardianAccount}"));
        await db.SaveChangesAsync(cancellationToken);
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
