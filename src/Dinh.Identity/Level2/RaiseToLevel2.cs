using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Level2;

public sealed record Level2Request(string CardNumber, bool ChipRead, string? FaceCapture, string? FingerprintCapture, bool CitizenConfirmed, string? Phone);

public enum Level2Refusal
{
    None = 0,
    NotPolice,
    CardMismatch,
    CardExpired,
    ChipNotRead,
    BiometricNoMatch,
    DeviceError,
    NotConfirmed,
    Deceased,
    PhoneRequired,
    Locked,
    AccountConflict,
}

/// <summary>
/// The in-person level-2 check of Decree 69/2024 Art. 10: at any commune police office, whatever the citizen's
/// residence. The chip card must be the registry's current card and valid; the device must match face and
/// fingerprint; the citizen confirms. A citizen without an account gets one at level 2 and sets a password with the
/// code sent to the phone given at the counter. Every attempt is recorded; the raise is audited.
/// </summary>
public sealed class RaiseToLevel2(AccountsDbContext db, UserManager<Account> users, IBiometricVerifier device, TimeProvider clock)
{
    public async Task<(Level2Refusal Refusal, Account? Account)> RunAsync(CitizenIdentity citizen, Officer officer, Level2Request request,
        string? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        ArgumentNullException.ThrowIfNull(officer);
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (officer.Role is not (OfficerRole.ResidencePolice or OfficerRole.DataSteward))
        {
            return (Level2Refusal.NotPolice, null);
        }
        if (citizen.Deceased)
        {
            return (Level2Refusal.Deceased, null);
        }
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == citizen.Id, cancellationToken);
        if (account is { Lock: not AccountLock.None })
        {
            return (Level2Refusal.Locked, account);
        }
        var refusal = (request.CardNumber ?? "").Trim() != citizen.IdCardNumber || citizen.IdCardNumber is null ? Level2Refusal.CardMismatch
            : citizen.IdCardExpiresOn is { } expires && expires < today ? Level2Refusal.CardExpired
            : !request.ChipRead ? Level2Refusal.ChipNotRead
            : Level2Refusal.None;
        var check = new Level2Verification
        {
            Id = Guid.CreateVersion7(now), AccountId = account?.Id ?? Guid.Empty, CitizenId = citizen.Id, OfficerId = officer.Id,
            OfficeUnitCode = officer.JurisdictionCode, CardNumber = (request.CardNumber ?? "").Trim()[..Math.Min((request.CardNumber ?? "").Trim().Length, 12)],
            ChipRead = request.ChipRead, RequestedAt = now, Device = "",
        };
        if (refusal == Level2Refusal.None)
        {
            var result = await device.VerifyAsync(new BiometricCapture(citizen.Id, "counter", request.FaceCapture, request.FingerprintCapture), cancellationToken);
            (check.Face, check.Fingerprint, check.Device) = (result.Face, result.Fingerprint, result.Device);
            refusal = result.Face == BiometricOutcome.DeviceError || result.Fingerprint == BiometricOutcome.DeviceError ? Level2Refusal.DeviceError
                : result.Face != BiometricOutcome.Match || result.Fingerprint != BiometricOutcome.Match ? Level2Refusal.BiometricNoMatch
                : !request.CitizenConfirmed ? Level2Refusal.NotConfirmed
                : Level2Refusal.None;
        }
        if (refusal == Level2Refusal.None && account is null && PhoneNumbers.Normalize(request.Phone) is null)
        {
            refusal = Level2Refusal.PhoneRequired;
        }
        if (refusal == Level2Refusal.None && account is null && await users.FindByNameAsync(citizen.PersonalIdNumber) is not null)
        {
            // An account not linked to this citizen holds the ID number as its login (made by hand, or before a merge).
            refusal = Level2Refusal.AccountConflict;
        }
        var actor = $"officer:{officer.Id}";
        if (refusal != Level2Refusal.None)
        {
            db.Level2Verifications.Add(check);
            db.Audit(IdentityAudit.Of(actor, "eid.level2.refused", $"citizen:{citizen.Id}", "e-ID level 2 check", "Decree 69/2024 Art. 10", requestId, refusal.ToString()));
            await db.SaveChangesAsync(cancellationToken);
            return (refusal, account);
        }

        if (account is null)
        {
            account = new Account
            {
                Id = Guid.CreateVersion7(now), UserName = citizen.PersonalIdNumber, Kind = AccountKind.Citizen, CitizenId = citizen.Id,
                CreatedAt = now, PhoneNumber = PhoneNumbers.Normalize(request.Phone), PhoneNumberConfirmed = true, LockoutEnabled = true,
            };
            account.Level = AssuranceLevel.Level2;
            account.Level2At = now;
            check.AccountId = account.Id;
            db.Level2Verifications.Add(check);
            check.Approved = true;
            check.CompletedAt = now;
            db.Audit(IdentityAudit.Of(actor, "eid.level2.granted", $"account:{account.Id}", "e-ID level 2 check", "Decree 69/2024 Art. 10", requestId, "new account"));
            Notices.Level2(db, account, newAccount: true);
            if ((await users.CreateAsync(account)).Succeeded)
            {
                return (Level2Refusal.None, account);
            }
            // Lost a race for the login: record the attempt as refused, with nothing of the new account.
            db.ChangeTracker.Clear();
            (check.Approved, check.CompletedAt, check.AccountId) = (false, null, Guid.Empty);
            db.Level2Verifications.Add(check);
            db.Audit(IdentityAudit.Of(actor, "eid.level2.refused", $"citizen:{citizen.Id}", "e-ID level 2 check", "Decree 69/2024 Art. 10", requestId,
                nameof(Level2Refusal.AccountConflict)));
            await db.SaveChangesAsync(cancellationToken);
            return (Level2Refusal.AccountConflict, null);
        }
        account.Level = AssuranceLevel.Level2;
        account.Level2At = now;
        check.Approved = true;
        check.CompletedAt = now;
        db.Level2Verifications.Add(check);
        db.Audit(IdentityAudit.Of(actor, "eid.level2.granted", $"account:{account.Id}", "e-ID level 2 check", "Decree 69/2024 Art. 10", requestId, null));
        Notices.Level2(db, account, newAccount: false);
        await users.UpdateAsync(account);
        return (Level2Refusal.None, account);
    }
}

/// <summary>Vietnamese mobile numbers: 0xxxxxxxxx or +84xxxxxxxxx (9 digits after the prefix), stored as E.164.</summary>
public static class PhoneNumbers
{
    public static string? Normalize(string? text)
    {
        var digits = new string((text ?? "").Where(c => !char.IsWhiteSpace(c) && c is not '.' and not '-').ToArray());
        if (digits.StartsWith("+84", StringComparison.Ordinal))
        {
            digits = digits[3..];
        }
        else if (digits.StartsWith("84", StringComparison.Ordinal) && digits.Length == 11)
        {
            digits = digits[2..];
        }
        else if (digits.StartsWith('0'))
        {
            digits = digits[1..];
        }
        else
        {
            return null;
        }
        return digits.Length == 9 && digits.All(char.IsAsciiDigit) && digits[0] is '3' or '5' or '7' or '8' or '9' ? "+84" + digits : null;
    }
}
