using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>What other modules may know of a citizen to identify them: no address, no family beyond the parents' ids.</summary>
public sealed record CitizenIdentity(Guid Id, string PersonalIdNumber, string FullName, PartialDate DateOfBirth, Sex Sex, bool Deceased,
    Guid? FatherId, Guid? MotherId, string? IdCardNumber, DateOnly? IdCardExpiresOn)
{
    /// <summary>Whole years of age on a day; a partial date counts from its earliest possible day.</summary>
    public int AgeOn(DateOnly day)
    {
        var born = DateOfBirth.Earliest;
        var age = day.Year - born.Year;
        return day < born.AddYears(age) ? age - 1 : age;
    }

    public bool IsChildOf(Guid parentId) => FatherId == parentId || MotherId == parentId;
}

/// <summary>
/// The registry's read contract for the identity module: find a citizen by a personal ID number (a cancelled number
/// resolves to the current record; a merged duplicate to its survivor) and compare names with the matching keys of
/// DOMAIN.md §9.3. Reads only; nothing here is audited because nothing here is shown to anyone: callers that show
/// data audit it themselves.
/// </summary>
public sealed class CitizenDirectory(RegistryDbContext db, CitizenLookups lookups)
{
    public async Task<CitizenIdentity?> FindByNumberAsync(string? personalIdNumber, CancellationToken cancellationToken)
    {
        if (!PersonalIdNumber.TryParse(personalIdNumber, out var number))
        {
            return null;
        }
        var id = await db.IdNumbers.AsNoTracking().Where(n => n.Number == number.Value).Select(n => (Guid?)n.CitizenId)
            .FirstOrDefaultAsync(cancellationToken);
        id ??= await db.Citizens.AsNoTracking().Where(c => c.PersonalIdNumber == number.Value).Select(c => (Guid?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return id is { } found ? await FindAsync(found, cancellationToken) : null;
    }

    public async Task<CitizenIdentity?> FindAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        for (var hops = 0; hops < 5; hops++)
        {
            var citizen = await lookups.IdentityAsync(db, citizenId, cancellationToken);
            if (citizen is null)
            {
                return null;
            }
            if (citizen.MergedIntoId is not { } survivor)
            {
                return new CitizenIdentity(citizen.Id, citizen.PersonalIdNumber, citizen.FullName,
                    new PartialDate(citizen.BirthYear, citizen.BirthMonth, citizen.BirthDay), citizen.Sex,
                    citizen.Status == CitizenStatus.Deceased, citizen.FatherId, citizen.MotherId, citizen.IdCardNumber, citizen.IdCardExpiresOn);
            }
            citizenId = survivor;
        }
        return null;
    }

    /// <summary>A living adult with a full date of birth (the demo's citizen account); null when the registry has none.</summary>
    public async Task<CitizenIdentity?> AnyAdultAsync(CancellationToken cancellationToken)
    {
        var id = await db.Citizens.AsNoTracking()
            .Where(c => c.Status == CitizenStatus.Living && c.MergedIntoId == null && c.BirthYear < 2000 && c.BirthYear > 1960 && c.BirthDay != null)
            .OrderBy(c => c.PersonalIdNumber).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
        return id is { } found ? await FindAsync(found, cancellationToken) : null;
    }

    /// <summary>Same person's name as typed: insensitive to case, to Unicode form and to where the tone mark sits.</summary>
    public static bool SameName(string? typed, string recorded) =>
        !string.IsNullOrWhiteSpace(typed) && VietnameseText.ToneKey(typed) == VietnameseText.ToneKey(recorded);
}

/// <summary>Told after the registry commits a change other modules act on (the identity module locks a deceased citizen's
/// account, lifts that lock when the death registration is cancelled, and unlinks a ward's account from a former guardian).</summary>
public interface ICitizenLifeEvents
{
    Task CitizenDiedAsync(Guid citizenId, CancellationToken cancellationToken);

    Task CitizenDeathCancelledAsync(Guid citizenId, CancellationToken cancellationToken);

    Task GuardianshipEndedAsync(Guid wardId, Guid guardianId, string legalBasis, CancellationToken cancellationToken);
}

/// <summary>The registry's officer directory, kept by the identity module when it creates officers' accounts.</summary>
public sealed class OfficerDirectory(RegistryDbContext db, TimeProvider clock)
{
    public async Task UpsertAsync(Officer officer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        var existing = await db.Officers.FirstOrDefaultAsync(o => o.Id == officer.Id, cancellationToken);
        if (existing is null)
        {
            db.Officers.Add(officer);
        }
        else
        {
            db.Entry(existing).CurrentValues.SetValues(officer);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<Officer?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Officers.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);

    /// <summary>The directory entries of these officers (the staff page's rows), by id.</summary>
    public async Task<IReadOnlyDictionary<Guid, Officer>> FindAllAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? new Dictionary<Guid, Officer>()
        : await db.Officers.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancellationToken);

    /// <summary>Today's names of these units (communes and provinces), by code; codes no longer current are left out.</summary>
    public async Task<IReadOnlyDictionary<string, string>> UnitNamesAsync(IReadOnlyCollection<string> codes, CancellationToken cancellationToken)
    {
        if (codes.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        var today = VietnamTime.Today(clock);
        var units = await db.Units.AsNoTracking().ValidOn(today).Where(u => codes.Contains(u.Code) && u.Level != UnitLevel.District)
            .Select(u => new { u.Code, u.Name }).ToListAsync(cancellationToken);
        return units.DistinctBy(u => u.Code).ToDictionary(u => u.Code, u => u.Name);
    }

    /// <summary>
    /// Whether a jurisdiction names a unit of today's structure at its level: a current commune, a current province,
    /// or the whole country (no code).
    /// </summary>
    public Task<bool> ExistsAsync(Jurisdiction jurisdiction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jurisdiction);
        if (jurisdiction.Level == JurisdictionLevel.National)
        {
            return Task.FromResult(jurisdiction.UnitCode is null);
        }
        var level = jurisdiction.Level switch
        {
            JurisdictionLevel.Commune => UnitLevel.Commune,
            JurisdictionLevel.Province => UnitLevel.Province,
            _ => (UnitLevel?)null,
        };
        if (level is null || string.IsNullOrEmpty(jurisdiction.UnitCode))
        {
            return Task.FromResult(false);
        }
        var today = VietnamTime.Today(clock);
        return db.Units.AsNoTracking().ValidOn(today).AnyAsync(u => u.Code == jurisdiction.UnitCode && u.Level == level, cancellationToken);
    }

    /// <summary>
    /// Moves an officer to another role or jurisdiction, with its audit record in the same transaction. False when there
    /// is no such officer. Signed-in sessions still carry the old rights in their cookie: the caller ends them.
    /// </summary>
    public async Task<bool> AssignAsync(Guid id, OfficerRole role, Jurisdiction jurisdiction, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jurisdiction);
        ArgumentNullException.ThrowIfNull(audit);
        if (await db.Officers.FirstOrDefaultAsync(o => o.Id == id, cancellationToken) is not { } officer)
        {
            return false;
        }
        db.Entry(officer).CurrentValues.SetValues(new Officer
        {
            Id = id, Login = officer.Login, DisplayName = officer.DisplayName, Role = role,
            JurisdictionLevel = jurisdiction.Level, JurisdictionCode = jurisdiction.UnitCode,
        });
        db.Audit(audit);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Copies a staff account's corrected name into its directory entry (audited with the account, by the identity module).</summary>
    public async Task RenameAsync(Guid id, string displayName, CancellationToken cancellationToken) =>
        await db.Officers.Where(o => o.Id == id).ExecuteUpdateAsync(o => o.SetProperty(x => x.DisplayName, displayName), cancellationToken);

    /// <summary>The claims a signed-in officer carries: opaque id, role and jurisdiction; never a name or an ID number.</summary>
    public static IEnumerable<System.Security.Claims.Claim> Claims(Officer officer) => SignedInOfficer.ClaimsOf(officer);
}
