using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Registry.Citizens;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Officers;

/// <summary>
/// Who may touch which record. A citizen belongs to the commune of their active permanent residence, else their
/// temporary or current residence, else the unit where their birth was registered; a province covers the
/// communes whose parent it is today. Every refusal is audited, in its own transaction, before anything else is
/// written by the request.
/// </summary>
internal sealed class RegistryAccess(RegistryDbContext db, TimeProvider clock)
{
    /// <summary>Vietnam's calendar day (<see cref="VietnamTime"/>), which the dates of events are checked against.</summary>
    public DateOnly Today => VietnamTime.Today(clock);

    public async Task<string?> HomeCommuneAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        var today = Today;
        var residences = await db.Residences.AsNoTracking()
            .Where(r => r.CitizenId == citizenId && r.EndedOn == null && r.ValidFrom <= today)
            .Select(r => new { r.Kind, r.UnitCode, r.ValidUntil })
            .ToListAsync(cancellationToken);
        var active = residences.Where(r => r.ValidUntil is null || today <= r.ValidUntil).OrderBy(r => r.Kind).FirstOrDefault();
        if (active is not null)
        {
            return active.UnitCode;
        }
        return await db.Events.AsNoTracking()
            .Where(e => e.CitizenId == citizenId && e.Kind == Events.CivilStatusEventKind.Birth)
            .Select(e => e.RegistrationUnitCode)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<bool> CoversAsync(SignedInOfficer officer, string? communeCode, CancellationToken cancellationToken)
    {
        var jurisdiction = officer.Jurisdiction;
        switch (jurisdiction.Level)
        {
            case JurisdictionLevel.National:
                return true;
            case JurisdictionLevel.Commune:
                return communeCode is not null && communeCode == jurisdiction.UnitCode;
            case JurisdictionLevel.Province:
                if (communeCode is null)
                {
                    return false;
                }
                var today = Today;
                var parents = await db.Units.AsNoTracking()
                    .Where(u => u.Code == communeCode && u.Level == UnitLevel.Commune && u.ValidFrom <= today && (u.ValidTo == null || today <= u.ValidTo))
                    .Select(u => u.ParentCode)
                    .ToListAsync(cancellationToken);
                return parents.Contains(jurisdiction.UnitCode);
            default:
                throw new InvalidOperationException($"Unknown jurisdiction level {jurisdiction.Level}.");
        }
    }

    /// <summary>The communes an officer covers, for filtering searches; null means every commune.</summary>
    public async Task<IReadOnlyList<string>?> CommunesAsync(SignedInOfficer officer, CancellationToken cancellationToken)
    {
        var today = Today;
        return officer.Jurisdiction.Level switch
        {
            JurisdictionLevel.National => null,
            JurisdictionLevel.Commune => [officer.Jurisdiction.UnitCode!],
            JurisdictionLevel.Province => await db.Units.AsNoTracking()
                .Where(u => u.ParentCode == officer.Jurisdiction.UnitCode && u.Level == UnitLevel.Commune
                    && u.ValidFrom <= today && (u.ValidTo == null || today <= u.ValidTo))
                .Select(u => u.Code).ToListAsync(cancellationToken),
            _ => throw new InvalidOperationException($"Unknown jurisdiction level {officer.Jurisdiction.Level}."),
        };
    }

    public Task<bool> IsCommuneAsync(string code, CancellationToken cancellationToken)
    {
        var today = Today;
        return db.Units.AsNoTracking().AnyAsync(u => u.Code == code && u.Level == UnitLevel.Commune
            && u.ValidFrom <= today && (u.ValidTo == null || today <= u.ValidTo), cancellationToken);
    }

    /// <summary>Null when the officer may act on a record in <paramref name="communeCode"/>; else the refusal, already audited.</summary>
    public async Task<ProblemHttpResult?> RefuseAsync(HttpContext http, SignedInOfficer officer, OfficerTask task, string? communeCode,
        string subject, string attempted, CancellationToken cancellationToken)
    {
        var error = !officer.May(task) ? CitizenErrors.RoleNotAllowed
            : !await CoversAsync(officer, communeCode, cancellationToken) ? CitizenErrors.OutsideJurisdiction
            : null;
        if (error is null)
        {
            return null;
        }
        db.Audit(new AuditEvent(officer.Actor, "registry.access.refused", attempted)
        {
            Subject = subject,
            RequestId = http.TraceIdentifier,
            Details = System.Text.Json.JsonSerializer.Serialize(new { code = error.Code, attempted, task = task.ToString() }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return CitizenErrors.Problem(error);
    }

    public async Task<(Citizen? Citizen, ProblemHttpResult? Problem)> CitizenForAsync(HttpContext http, SignedInOfficer officer,
        OfficerTask task, Guid citizenId, string attempted, CancellationToken cancellationToken)
    {
        var citizen = await db.Citizens.FirstOrDefaultAsync(c => c.Id == citizenId, cancellationToken);
        if (citizen is null)
        {
            return (null, CitizenErrors.Problem(CitizenErrors.CitizenNotFound));
        }
        var commune = await HomeCommuneAsync(citizenId, cancellationToken);
        var refusal = await RefuseAsync(http, officer, task, commune, $"citizen:{citizenId}", attempted, cancellationToken);
        return refusal is null ? (citizen, null) : (null, refusal);
    }

    public async Task<(Household? Household, ProblemHttpResult? Problem)> HouseholdForAsync(HttpContext http, SignedInOfficer officer,
        OfficerTask task, Guid householdId, string attempted, CancellationToken cancellationToken)
    {
        var household = await db.Households.FirstOrDefaultAsync(h => h.Id == householdId, cancellationToken);
        if (household is null)
        {
            return (null, CitizenErrors.Problem(CitizenErrors.HouseholdNotFound));
        }
        var refusal = await RefuseAsync(http, officer, task, household.UnitCode, $"household:{householdId}", attempted, cancellationToken);
        return refusal is null ? (household, null) : (null, refusal);
    }
}
