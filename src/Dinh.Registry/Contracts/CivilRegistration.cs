using System.Data.Common;
using Dinh.Registry.Citizens;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>A birth as a dossier declares it; the parents and the household are registry ids the portal read before.</summary>
public sealed record BirthRegistration(string FullName, DateOnly DateOfBirth, Sex Sex, string RegistrationUnitCode, string? Birthplace,
    Guid? FatherId, Guid? MotherId, string ReceiptCode, string LegalBasis);

/// <summary>A permanent residence joining an existing household, as a dossier declares it.</summary>
public sealed record PermanentResidenceRegistration(Guid CitizenId, Guid HouseholdId, string RelationToHead, string ReceiptCode, string LegalBasis);

/// <summary>A death as a dossier declares it: the deceased's registry id, the date and the registering commune.</summary>
public sealed record DeathRegistration(Guid CitizenId, DateOnly DateOfDeath, string RegistrationUnitCode, string ReceiptCode, string LegalBasis);

/// <summary>A marriage as a dossier declares it: both spouses' registry ids, the registering commune and the date.</summary>
public sealed record MarriageRegistration(Guid CitizenId, Guid SpouseId, DateOnly RegisteredOn, string RegistrationUnitCode, string ReceiptCode,
    string LegalBasis);

/// <summary>A deregistration of permanent residence for a ground other than death (Law on Residence 2020 Art. 24).</summary>
public sealed record ResidenceDeregistration(Guid CitizenId, string Reason, string ReceiptCode, string LegalBasis);

/// <summary>Where a citizen is permanently registered: the household and its commune.</summary>
public sealed record PermanentHousehold(Guid HouseholdId, string UnitCode, string AddressLine);

/// <summary>What a write did: the citizen it made or changed, or a stable registry error code and the field at fault.</summary>
public sealed record RegistryWrite(Guid? CitizenId, string? PersonalIdNumber, string? ErrorCode, string? Field = null)
{
    public bool Succeeded => ErrorCode is null;

    internal static RegistryWrite Failed(string code, string? field = null) => new(null, null, code, field);
}

/// <summary>
/// The registry's write contract for the portal: the civil-status and residence changes an approved dossier makes.
/// Each call enlists in the caller's open transaction (same connection, <c>UseTransaction</c>), so the registry change,
/// its audit records and the dossier's approval commit or roll back together, on SQLite and PostgreSQL alike. The rules
/// are those of the registry's own endpoints (the same internal cores); the dossier's receipt code is the legal basis.
/// </summary>
public sealed class CivilRegistration(DbContextOptions<RegistryDbContext> options, TimeProvider clock)
{
    public async Task<PermanentHousehold?> PermanentHouseholdOfAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        await using var db = new RegistryDbContext(options);
        var (membership, household) = await HouseholdMembership.ActiveAsync(db, citizenId, cancellationToken);
        return membership is null || household is null ? null : new PermanentHousehold(household.Id, household.UnitCode, household.AddressLine);
    }

    public async Task<RegistryWrite> RegisterBirthAsync(DbTransaction transaction, HttpContext http, OfficerPrincipal officer, BirthRegistration birth,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(birth);
        await using var db = await EnlistAsync(transaction, cancellationToken);
        var access = new RegistryAccess(db, clock);
        var signedIn = Signed(officer);
        var today = access.Today;
        if (!signedIn.May(OfficerTask.CivilStatus) || !await access.CoversAsync(signedIn, birth.RegistrationUnitCode, cancellationToken))
        {
            return RegistryWrite.Failed(CitizenErrors.OutsideJurisdiction.Code);
        }
        if (await RegisterBirth.PrefixAsync(db, birth.RegistrationUnitCode, today, cancellationToken) is not { } prefix)
        {
            return RegistryWrite.Failed(CitizenErrors.Invalid.Code, "registrationUnitCode");
        }
        if (birth.DateOfBirth > today)
        {
            return RegistryWrite.Failed(CitizenErrors.Invalid.Code, "dateOfBirth");
        }
        foreach (var (field, parentId) in new[] { ("fatherId", birth.FatherId), ("motherId", birth.MotherId) })
        {
            if (parentId is { } id && !await db.Citizens.AnyAsync(c => c.Id == id, cancellationToken))
            {
                return RegistryWrite.Failed(CitizenErrors.Invalid.Code, field);
            }
        }
        var facts = new BirthFacts(birth.FullName.Normalize(System.Text.NormalizationForm.FormC).Trim(), birth.DateOfBirth, birth.Sex,
            birth.RegistrationUnitCode, prefix, birth.Birthplace, null, null, "01", "VN", birth.FatherId, birth.MotherId, null, "Con");
        var citizen = await RegisterBirth.RecordAsync(db, http, signedIn, facts, Purpose(birth.ReceiptCode), birth.LegalBasis, today,
            clock.GetUtcNow(), cancellationToken);
        if (citizen is null)
        {
            return RegistryWrite.Failed(CitizenErrors.NumberUnavailable.Code);
        }
        await db.SaveChangesAsync(cancellationToken);
        return new RegistryWrite(citizen.Id, citizen.PersonalIdNumber, null);
    }

    public async Task<RegistryWrite> RegisterPermanentResidenceAsync(DbTransaction transaction, HttpContext http, OfficerPrincipal officer,
        PermanentResidenceRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        await using var db = await EnlistAsync(transaction, cancellationToken);
        var access = new RegistryAccess(db, clock);
        var signedIn = Signed(officer);
        var household = await db.Households.FirstOrDefaultAsync(h => h.Id == registration.HouseholdId && h.DissolvedOn == null, cancellationToken);
        if (household is null)
        {
            return RegistryWrite.Failed(CitizenErrors.HouseholdNotFound.Code, "householdId");
        }
        if (!signedIn.May(OfficerTask.Residence) || !await access.CoversAsync(signedIn, household.UnitCode, cancellationToken))
        {
            return RegistryWrite.Failed(CitizenErrors.OutsideJurisdiction.Code);
        }
        var citizen = await db.Citizens.FirstOrDefaultAsync(c => c.Id == registration.CitizenId, cancellationToken);
        if (citizen is null)
        {
            return RegistryWrite.Failed(CitizenErrors.CitizenNotFound.Code, "citizenId");
        }
        if (citizen.Status != CitizenStatus.Living)
        {
            return RegistryWrite.Failed(CitizenErrors.StateRefused.Code);
        }
        var facts = new ResidenceFacts(ResidenceKind.Permanent, household.UnitCode, household.AddressLine, access.Today, null, household,
            registration.RelationToHead, null);
        if (await ChangeResidence.RecordAsync(db, http, signedIn, citizen, facts, Purpose(registration.ReceiptCode), registration.LegalBasis,
            clock.GetUtcNow(), cancellationToken) is { } error)
        {
            return RegistryWrite.Failed(error.Code);
        }
        await db.SaveChangesAsync(cancellationToken);
        return new RegistryWrite(citizen.Id, citizen.PersonalIdNumber, null);
    }

    /// <summary>
    /// Death registration: the registry's own rules (deceased, residences ended, household left, spouse widowed). A
    /// household head whose household has other members is refused (DINH-REG-0006 style: name the new head at the
    /// registry first). The identity module's lock follows at the next sign-in, which checks the citizen's status.
    /// </summary>
    public async Task<RegistryWrite> RegisterDeathAsync(DbTransaction transaction, HttpContext http, OfficerPrincipal officer, DeathRegistration death,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(death);
        await using var db = await EnlistAsync(transaction, cancellationToken);
        var access = new RegistryAccess(db, clock);
        var signedIn = Signed(officer);
        if (!signedIn.May(OfficerTask.CivilStatus) || !await access.CoversAsync(signedIn, death.RegistrationUnitCode, cancellationToken))
        {
            return RegistryWrite.Failed(CitizenErrors.OutsideJurisdiction.Code);
        }
        var citizen = await db.Citizens.FirstOrDefaultAsync(c => c.Id == death.CitizenId, cancellationToken);
        if (citizen is null)
        {
            return RegistryWrite.Failed(CitizenErrors.CitizenNotFound.Code, "deceasedPersonalIdNumber");
        }
        if (citizen.Status != CitizenStatus.Living)
        {
            return RegistryWrite.Failed(CitizenErrors.StateRefused.Code, "deceasedPersonalIdNumber");
        }
        if (death.DateOfDeath > access.Today || death.DateOfDeath < citizen.DateOfBirth.Earliest)
        {
            return RegistryWrite.Failed(CitizenErrors.Invalid.Code, "dateOfDeath");
        }
        if (await RegisterDeath.RecordAsync(db, http, signedIn, citizen, death.DateOfDeath, death.RegistrationUnitCode, Purpose(death.ReceiptCode),
                death.LegalBasis, newHeadId: null, clock.GetUtcNow(), cancellationToken) is { } error)
        {
            return RegistryWrite.Failed(error.Code);
        }
        await db.SaveChangesAsync(cancellationToken);
        return new RegistryWrite(citizen.Id, citizen.PersonalIdNumber, null);
    }

    /// <summary>
    /// Marriage registration: the registry's own rule (both living and unmarried) and links (each spouse names the
    /// other, the event recorded), in the caller's transaction.
    /// </summary>
    public async Task<RegistryWrite> RegisterMarriageAsync(DbTransaction transaction, HttpContext http, OfficerPrincipal officer, MarriageRegistration marriage,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marriage);
        await using var db = await EnlistAsync(transaction, cancellationToken);
        var access = new RegistryAccess(db, clock);
        var signedIn = Signed(officer);
        if (!signedIn.May(OfficerTask.CivilStatus) || !await access.CoversAsync(signedIn, marriage.RegistrationUnitCode, cancellationToken))
        {
            return RegistryWrite.Failed(CitizenErrors.OutsideJurisdiction.Code);
        }
        var citizen = await db.Citizens.FirstOrDefaultAsync(c => c.Id == marriage.CitizenId, cancellationToken);
        if (citizen is null)
        {
            return RegistryWrite.Failed(CitizenErrors.CitizenNotFound.Code, "applicantPersonalIdNumber");
        }
        var spouse = await db.Citizens.FirstOrDefaultAsync(c => c.Id == marriage.SpouseId, cancellationToken);
        if (spouse is null)
        {
            return RegistryWrite.Failed(CitizenErrors.CitizenNotFound.Code, "spousePersonalIdNumber");
        }
        if (!RegisterMarriage.Record(db, http, signedIn, citizen, spouse, marriage.RegisteredOn, marriage.RegistrationUnitCode,
                Purpose(marriage.ReceiptCode), marriage.LegalBasis, clock.GetUtcNow()))
        {
            return RegistryWrite.Failed(CitizenErrors.StateRefused.Code, "spousePersonalIdNumber");
        }
        await db.SaveChangesAsync(cancellationToken);
        return new RegistryWrite(citizen.Id, citizen.PersonalIdNumber, null);
    }

    /// <summary>
    /// Deregistration of permanent residence (xóa đăng ký thường trú) for a ground other than death, by the police of
    /// the household's commune: the citizen leaves the household and the residence ends with the ground given. A
    /// household head whose household has other members is refused until the registry names a new head.
    /// </summary>
    public async Task<RegistryWrite> DeregisterPermanentResidenceAsync(DbTransaction transaction, HttpContext http, OfficerPrincipal officer,
        ResidenceDeregistration deregistration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deregistration);
        await using var db = await EnlistAsync(transaction, cancellationToken);
        var access = new RegistryAccess(db, clock);
        var signedIn = Signed(officer);
        var citizen = await db.Citizens.FirstOrDefaultAsync(c => c.Id == deregistration.CitizenId, cancellationToken);
        if (citizen is null)
        {
            return RegistryWrite.Failed(CitizenErrors.CitizenNotFound.Code, "subjectPersonalIdNumber");
        }
        var (_, household) = await HouseholdMembership.ActiveAsync(db, citizen.Id, cancellationToken);
        if (household is null)
        {
            return RegistryWrite.Failed(CitizenErrors.StateRefused.Code, "subjectPersonalIdNumber");
        }
        if (!signedIn.May(OfficerTask.Residence) || !await access.CoversAsync(signedIn, household.UnitCode, cancellationToken))
        {
            return RegistryWrite.Failed(CitizenErrors.OutsideJurisdiction.Code);
        }
        if (await Deregister.RecordAsync(db, http, signedIn, citizen, access.Today, deregistration.Reason, Purpose(deregistration.ReceiptCode),
                deregistration.LegalBasis, newHeadId: null, clock.GetUtcNow(), cancellationToken) is { } error)
        {
            return RegistryWrite.Failed(error.Code, "subjectPersonalIdNumber");
        }
        await db.SaveChangesAsync(cancellationToken);
        return new RegistryWrite(citizen.Id, citizen.PersonalIdNumber, null);
    }

    private static string Purpose(string receiptCode) => $"Giải quyết hồ sơ dịch vụ công {receiptCode}";

    private static SignedInOfficer Signed(OfficerPrincipal officer)
    {
        ArgumentNullException.ThrowIfNull(officer);
        return new SignedInOfficer(officer.Id, officer.Role, officer.Jurisdiction);
    }

    // A context of its own on the caller's connection and transaction: it has never opened a connection, so it can
    // be pointed at the caller's before its first command.
    private async Task<RegistryDbContext> EnlistAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var db = new RegistryDbContext(options);
        db.Database.SetDbConnection(transaction.Connection, contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        return db;
    }
}
