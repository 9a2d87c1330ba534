using Dinh.Identity.Accounts;
using Dinh.Identity.Contracts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Level2;

public sealed record Level2Request(string CardNumber, bool ChipRead, string? FaceCapture, string? FingerprintCapture, bool CitizenConfirmed, string? Phone,
    bool WithCardIssuance = false);

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
    ApplicationOpen,
    ApplicationDecided,
    StillPending,
    OtherOffice,
}

/// <summary>What the counter or the queue did: granted (an account, no application), received (an open application), or refused.</summary>
public sealed record Level2Outcome(Level2Refusal Refusal, Account? Account, Level2Application? Application = null);

/// <summary>
/// The in-person level-2 check of Decree 69/2024 Art. 10: at any commune police office, whatever the citizen's
/// residence. The chip card must be the registry's current card and valid; the device must match face and
/// fingerprint; the citizen confirms. A citizen without an account gets one at level 2 and sets a password with the
/// code sent to the phone given at the counter. Every attempt is recorded; the raise is audited.
/// When the device answers later, or the citizen has no valid card and level 2 comes with the card's issuance, the
/// counter receives an application instead, due in the working days of Art. 13, and the office's queue finishes it.
/// </summary>
public sealed class RaiseToLevel2(AccountsDbContext db, UserManager<Account> users, IBiometricVerifier device, CitizenDirectory citizens,
    IWorkingDayCalendar calendar, TimeProvider clock, OfficerJurisdictions jurisdictions)
{
    private const string Purpose = "e-ID level 2 check";
    private const string Basis = "Decree 69/2024 Art. 10, 13";

    public async Task<Level2Outcome> RunAsync(CitizenIdentity citizen, Officer officer, Level2Request request,
        string? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        ArgumentNullException.ThrowIfNull(officer);
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        if (!IsPolice(officer))
        {
            return new(Level2Refusal.NotPolice, null);
        }
        if (citizen.Deceased)
        {
            return new(Level2Refusal.Deceased, null);
        }
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == citizen.Id, cancellationToken);
        if (account is { Lock: not AccountLock.None })
        {
            return new(Level2Refusal.Locked, account);
        }
        if (await OpenApplicationAsync(citizen.Id, cancellationToken) is { } open)
        {
            return new(Level2Refusal.ApplicationOpen, account, open);
        }
        var validCard = HasValidCard(citizen, now);
        var withIssuance = request.WithCardIssuance && !validCard;
        var card = (request.CardNumber ?? "").Trim();
        var refusal = withIssuance ? Level2Refusal.None : CardRefusal(citizen, card, request.ChipRead, now);
        var check = new Level2Verification
        {
            Id = Guid.CreateVersion7(now), AccountId = account?.Id ?? Guid.Empty, CitizenId = citizen.Id, OfficerId = officer.Id,
            OfficeUnitCode = officer.JurisdictionCode, CardNumber = withIssuance ? "" : card[..Math.Min(card.Length, 12)],
            ChipRead = request.ChipRead, RequestedAt = now, Device = "",
        };
        var pending = false;
        if (refusal == Level2Refusal.None)
        {
            var result = await device.VerifyAsync(new BiometricCapture(citizen.Id, "counter", request.FaceCapture, request.FingerprintCapture), cancellationToken);
            (check.Face, check.Fingerprint, check.Device) = (result.Face, result.Fingerprint, result.Device);
            refusal = BiometricRefusal(result) ?? (!request.CitizenConfirmed ? Level2Refusal.NotConfirmed : Level2Refusal.None);
            pending = result.Face == BiometricOutcome.Pending || result.Fingerprint == BiometricOutcome.Pending;
        }
        var phone = PhoneNumbers.Normalize(request.Phone);
        if (refusal == Level2Refusal.None && account is null)
        {
            refusal = phone is null ? Level2Refusal.PhoneRequired : await LoginTakenAsync(citizen) ? Level2Refusal.AccountConflict : Level2Refusal.None;
        }
        var actor = $"officer:{officer.Id}";
        if (refusal != Level2Refusal.None)
        {
            db.Level2Verifications.Add(check);
            db.Audit(IdentityAudit.Of(actor, "eid.level2.refused", $"citizen:{citizen.Id}", Purpose, Basis, requestId, refusal.ToString()));
            await db.SaveChangesAsync(cancellationToken);
            return new(refusal, account);
        }
        if (withIssuance || pending)
        {
            var limit = validCard ? Level2Application.WithValidCard : Level2Application.WithoutValidCard;
            var application = new Level2Application
            {
                Id = Guid.CreateVersion7(now), CitizenId = citizen.Id, AccountId = account?.Id, Awaiting = withIssuance ? Level2Awaiting.Card : Level2Awaiting.Biometrics,
                ReceivedBy = officer.Id, OfficeUnitCode = officer.JurisdictionCode, ReceivedAt = now, TimeLimitWorkingDays = limit,
                DueOn = await calendar.DueAsync(VietnamTime.DayOf(now), limit, cancellationToken), Phone = account is null ? phone : null,
                CardNumber = check.CardNumber, FaceCapture = Capped(request.FaceCapture), FingerprintCapture = Capped(request.FingerprintCapture),
                Face = check.Face, Fingerprint = check.Fingerprint,
            };
            db.Level2Verifications.Add(check);
            db.Level2Applications.Add(application);
            db.Audit(IdentityAudit.Of(actor, "eid.level2.received", $"citizen:{citizen.Id}", Purpose, Basis, requestId,
                $"application {application.Id}: awaiting {application.Awaiting}, due {application.DueOn:yyyy-MM-dd}"));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another counter received an application for the same citizen at the same moment (one open per citizen).
                db.ChangeTracker.Clear();
                return new(Level2Refusal.ApplicationOpen, account, await OpenApplicationAsync(citizen.Id, cancellationToken));
            }
            return new(Level2Refusal.None, account, application);
        }
        return await GrantAsync(citizen, account, check, phone, actor, null, requestId, cancellationToken);
    }

    /// <summary>Finishes an open application from the queue: the device's late answer, or the new card read from its chip.</summary>
    public async Task<Level2Outcome> CompleteAsync(Guid applicationId, Officer officer, string? cardNumber, bool chipRead, string? requestId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var now = clock.GetUtcNow();
        var application = await db.Level2Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (await OfficeRefusalAsync(application, officer, cancellationToken) is { } refused)
        {
            return new(refused, null, application);
        }
        var citizen = await citizens.FindAsync(application!.CitizenId, cancellationToken);
        if (citizen is null || citizen.Deceased)
        {
            return new(Level2Refusal.Deceased, null, application);
        }
        var account = await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == citizen.Id, cancellationToken);
        if (account is { Lock: not AccountLock.None })
        {
            return new(Level2Refusal.Locked, account, application);
        }
        if (application.Face == BiometricOutcome.Pending || application.Fingerprint == BiometricOutcome.Pending)
        {
            var result = await device.ResultAsync(new BiometricCapture(citizen.Id, "queue", application.FaceCapture, application.FingerprintCapture), cancellationToken);
            if (result.Face == BiometricOutcome.Pending || result.Fingerprint == BiometricOutcome.Pending)
            {
                return new(Level2Refusal.StillPending, account, application);
            }
            if (BiometricRefusal(result) is { } biometric)
            {
                // The officer refuses the application with a reason; a device error can be asked again.
                return new(biometric, account, application);
            }
            (application.Face, application.Fingerprint) = (result.Face, result.Fingerprint);
        }
        var card = application.Awaiting == Level2Awaiting.Card ? (cardNumber ?? "").Trim() : application.CardNumber;
        var refusal = CardRefusal(citizen, card, application.Awaiting == Level2Awaiting.Card ? chipRead : true, now);
        if (refusal == Level2Refusal.None && account is null && await LoginTakenAsync(citizen))
        {
            refusal = Level2Refusal.AccountConflict;
        }
        if (refusal != Level2Refusal.None)
        {
            return new(refusal, account, application);
        }
        var check = new Level2Verification
        {
            Id = Guid.CreateVersion7(now), AccountId = account?.Id ?? Guid.Empty, CitizenId = citizen.Id, OfficerId = officer.Id,
            OfficeUnitCode = officer.JurisdictionCode, CardNumber = card, ChipRead = true, RequestedAt = application.ReceivedAt,
            Face = application.Face, Fingerprint = application.Fingerprint, Device = "application",
        };
        return await GrantAsync(citizen, account, check, application.Phone, $"officer:{officer.Id}", application, requestId, cancellationToken);
    }

    public async Task<Level2Outcome> RefuseAsync(Guid applicationId, Officer officer, string reason, string? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var application = await db.Level2Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (await OfficeRefusalAsync(application, officer, cancellationToken) is { } refused)
        {
            return new(refused, null, application);
        }
        application!.Refuse(officer.Id, reason, clock.GetUtcNow());
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.CitizenId == application.CitizenId, cancellationToken);
        db.Audit(IdentityAudit.Of($"officer:{officer.Id}", "eid.level2.application-refused", $"citizen:{application.CitizenId}", reason, Basis, requestId,
            $"application {application.Id}"));
        Notices.Level2Refused(db, account is { PhoneNumberConfirmed: true } ? account.PhoneNumber : application.Phone);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(Level2Refusal.ApplicationDecided, account, application);
        }
        return new(Level2Refusal.None, account, application);
    }

    public Task<Level2Application?> OpenApplicationAsync(Guid citizenId, CancellationToken cancellationToken) =>
        db.Level2Applications.FirstOrDefaultAsync(a => a.CitizenId == citizenId && a.Status == Level2ApplicationStatus.Open, cancellationToken);

    public static bool IsPolice(Officer officer) => IsPolice(officer.Role);

    public static bool IsPolice(OfficerRole role) => role is OfficerRole.ResidencePolice or OfficerRole.DataSteward;

    /// <summary>
    /// The offices whose applications an officer sees and finishes, by jurisdiction: a commune officer their own office;
    /// a provincial officer the province's office and its communes (the registry's units, through its contract); a
    /// national officer every office (null).
    /// </summary>
    public async Task<IReadOnlyCollection<string>?> OfficesAsync(Officer officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        switch (officer.JurisdictionLevel)
        {
            case JurisdictionLevel.National:
                return null;
            case JurisdictionLevel.Province:
                var communes = await jurisdictions.CommunesAsync(new OfficerPrincipal(officer.Id, officer.Role, officer.Jurisdiction), cancellationToken) ?? [];
                return [.. communes, officer.JurisdictionCode ?? ""];
            case JurisdictionLevel.Commune:
                return [officer.JurisdictionCode ?? ""];
            default:
                throw new ArgumentOutOfRangeException(nameof(officer), officer.JurisdictionLevel, null);
        }
    }

    private async Task<Level2Refusal?> OfficeRefusalAsync(Level2Application? application, Officer officer, CancellationToken cancellationToken) =>
        !IsPolice(officer) ? Level2Refusal.NotPolice
        : application is null ? Level2Refusal.ApplicationDecided
        : await OfficesAsync(officer, cancellationToken) is { } offices && !offices.Contains(application.OfficeUnitCode ?? "") ? Level2Refusal.OtherOffice
        : !application.IsOpen ? Level2Refusal.ApplicationDecided
        : null;

    private async Task<Level2Outcome> GrantAsync(CitizenIdentity citizen, Account? account, Level2Verification check, string? phone, string actor,
        Level2Application? application, string? requestId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var detail = application is null ? null : $"application {application.Id}";
        check.Approved = true;
        check.CompletedAt = now;
        if (account is null)
        {
            account = new Account
            {
                Id = Guid.CreateVersion7(now), UserName = citizen.PersonalIdNumber, Kind = AccountKind.Citizen, CitizenId = citizen.Id,
                CreatedAt = now, PhoneNumber = phone, PhoneNumberConfirmed = true, LockoutEnabled = true,
            };
            account.Level = AssuranceLevel.Level2;
            account.Level2At = now;
            check.AccountId = account.Id;
            db.Level2Verifications.Add(check);
            application?.Complete(check.OfficerId, account.Id, now);
            db.Audit(IdentityAudit.Of(actor, "eid.level2.granted", $"account:{account.Id}", Purpose, Basis, requestId, detail ?? "new account"));
            Notices.Level2(db, account, newAccount: true);
            try
            {
                if ((await users.CreateAsync(account)).Succeeded)
                {
                    return new(Level2Refusal.None, account, application);
                }
            }
            catch (DbUpdateException)
            {
                // The store does not turn a lost race into a failed result: another instance created the account or
                // decided the application between the checks and this commit (unique login, application status).
            }
            // Lost a race for the login (or another officer decided the application): record the attempt as refused,
            // with nothing of the new account.
            db.ChangeTracker.Clear();
            (check.Approved, check.CompletedAt, check.AccountId) = (false, null, Guid.Empty);
            db.Level2Verifications.Add(check);
            db.Audit(IdentityAudit.Of(actor, "eid.level2.refused", $"citizen:{citizen.Id}", Purpose, Basis, requestId, nameof(Level2Refusal.AccountConflict)));
            await db.SaveChangesAsync(cancellationToken);
            return new(Level2Refusal.AccountConflict, null, application);
        }
        account.Level = AssuranceLevel.Level2;
        account.Level2At = now;
        db.Level2Verifications.Add(check);
        application?.Complete(check.OfficerId, account.Id, now);
        db.Audit(IdentityAudit.Of(actor, "eid.level2.granted", $"account:{account.Id}", Purpose, Basis, requestId, detail));
        Notices.Level2(db, account, newAccount: false);
        // The application's status is a concurrency token: of two officers completing it at once, one wins.
        return (await users.UpdateAsync(account)).Succeeded
            ? new(Level2Refusal.None, account, application)
            : new(Level2Refusal.ApplicationDecided, account, application);
    }

    private static bool HasValidCard(CitizenIdentity citizen, DateTimeOffset now) =>
        citizen.IdCardNumber is not null && !(citizen.IdCardExpiresOn is { } expires && expires < VietnamTime.DayOf(now));

    private static Level2Refusal CardRefusal(CitizenIdentity citizen, string card, bool chipRead, DateTimeOffset now) =>
        card != citizen.IdCardNumber || citizen.IdCardNumber is null ? Level2Refusal.CardMismatch
        : !HasValidCard(citizen, now) ? Level2Refusal.CardExpired
        : !chipRead ? Level2Refusal.ChipNotRead
        : Level2Refusal.None;

    private static Level2Refusal? BiometricRefusal(BiometricResult result) =>
        result.Face == BiometricOutcome.DeviceError || result.Fingerprint == BiometricOutcome.DeviceError ? Level2Refusal.DeviceError
        : result.Face == BiometricOutcome.NoMatch || result.Fingerprint == BiometricOutcome.NoMatch ? Level2Refusal.BiometricNoMatch
        : null;

    // An account not linked to this citizen holds the ID number as its login (made by hand, or before a merge).
    private async Task<bool> LoginTakenAsync(CitizenIdentity citizen) => await users.FindByNameAsync(citizen.PersonalIdNumber) is not null;

    private static string? Capped(string? capture) => capture?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, 100)] : null;
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
