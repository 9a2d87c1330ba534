using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

/// <summary>The registry's changes that concern accounts: a death locks the citizen's account and revokes every session
/// and token, a cancelled death lifts that lock, an ended guardianship unlinks the ward's account from the guardian.</summary>
internal sealed class AccountsFollowRegistry(Persistence.AccountsDbContext db, AccountSignIn signIn, TimeProvider clock) : ICitizenLifeEvents
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
    /// linked to theirs, and keeps nothing the former guardian holds: the password they chose at registration is
    /// removed, the phone number and e-mail copied from their account are cleared, and every session and token of the
    /// ward's account ends. The account stays (its history with it); a parent or the new guardian takes it over on
    /// "my children" (<c>/account/children</c>), or the ward at a police counter. A parent's link is not a
    /// guardianship and stays. Idempotent: a ward no longer linked to that guardian is left as it is.
    /// </summary>
    public Task GuardianshipEndedAsync(Guid wardId, Guid guardianId, string legalBasis, CancellationToken cancellationToken) =>
        ReleaseWardAsync(wardId, guardianId, legalBasis, cancellationToken);

    /// <summary><see cref="GuardianshipEndedAsync"/>; true when it released the ward's account, false when there was nothing to release.</summary>
    public async Task<bool> ReleaseWardAsync(Guid wardId, Guid guardianId, string legalBasis, CancellationToken cancellationToken)
    {
        var guardian = await db.Accounts.AsNoTracking().Where(a => a.CitizenId == guardianId)
            .Select(a => new { a.Id, a.PhoneNumber, a.Email }).FirstOrDefaultAsync(cancellationToken);
        var ward = guardian is null
            ? null
            : await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == wardId && a.GuardianAccountId == guardian.Id, cancellationToken);
        if (ward is null)
        {
            return false;
        }
        ward.GuardianAccountId = null;
        ward.PasswordHash = null;
        if (ward.PhoneNumber is not null && ward.PhoneNumber == guardian!.PhoneNumber)
        {
            (ward.PhoneNumber, ward.PhoneNumberConfirmed) = (null, false);
        }
        if (ward.Email is not null && string.Equals(ward.Email, guardian!.Email, StringComparison.OrdinalIgnoreCase))
        {
            (ward.Email, ward.NormalizedEmail, ward.EmailConfirmed) = (null, null, false);
        }
        ward.SecurityStamp = Guid.NewGuid().ToString("N");
        ward.ConcurrencyStamp = Guid.NewGuid().ToString();
        db.Audit(IdentityAudit.Of("system:registry", "account.guardian-unlinked", $"account:{ward.Id}", "guardianship ended",
            $"{legalBasis}; Decree 69/2024 Art. 7", null,
            $"former guardian account {guardian!.Id}; password, the guardian's contact details, sessions and tokens removed"));
        await db.SaveChangesAsync(cancellationToken);
        await signIn.RevokeEverywhereAsync(ward.Id, clock.GetUtcNow());
        return true;
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
