using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

public sealed record IdNumberView(string Number, DateTimeOffset AssignedAt, DateTimeOffset? CancelledAt, string? CancellationReason);

public sealed record ResidenceView(Guid Id, string Kind, string UnitCode, string AddressLine, Guid? HouseholdId, DateOnly ValidFrom,
    DateOnly? ValidUntil, DateOnly? EndedOn, string? EndReason, bool Active);

public sealed record HouseholdMemberView(Guid CitizenId, string FullName, string RelationToHead, bool IsHead, DateOnly JoinedOn);

public sealed record HouseholdView(Guid Id, Guid HeadId, string UnitCode, string AddressLine, DateOnly EstablishedOn, DateOnly? DissolvedOn,
    int Version, IReadOnlyList<HouseholdMemberView> Members);

public sealed record CivilStatusEventView(Guid Id, string Kind, DateOnly OccurredOn, string RegistrationUnitCode, Guid? OtherCitizenId,
    string LegalBasis, DateTimeOffset RegisteredAt);

public sealed record IdCardView(string? Number, DateOnly? IssuedOn, DateOnly? ExpiresOn);

/// <summary>
/// A citizen record as an officer sees it. Ethnicity and religion are sensitive data (Decree 13/2023 Art. 2(4)):
/// they are in this officer view, never in anything sent outside the registry without a grant.
/// </summary>
public sealed record CitizenView(Guid Id, string PersonalIdNumber, string FullName, string DateOfBirth, string Sex,
    string BirthRegistrationProvince, string? Birthplace, string? Hometown, string EthnicityCode, string? Religion, string Nationality,
    Guid? FatherId, Guid? MotherId, Guid? SpouseId, string Status, DateOnly? DateOfDeath, IdCardView IdCard, int Version,
    string? HomeCommune, IReadOnlyList<IdNumberView> IdNumbers, IReadOnlyList<ResidenceView> Residences, HouseholdView? Household,
    IReadOnlyList<CivilStatusEventView> Events);

internal static class GetCitizen
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/citizens/{id:guid}", HandleAsync).WithName("GetCitizen")
            .WithSummary("A citizen record with ID-number history, residences and household; the read is audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id, [FromQuery] string? purpose,
        HttpContext http, RegistryDbContext db, RegistryAccess access, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var why = errors.Required("purpose", RegistryRequest.Purpose(http, purpose));
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (citizen, problem) = await access.CitizenForAsync(http, officer, OfficerTask.Read, id, why!, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        CitizenHistory.ReadAudit(db, http, officer, $"citizen:{id}", why!);
        await db.SaveChangesAsync(cancellationToken);
        http.Response.Headers.ETag = RegistryRequest.ETag(citizen!.Version);
        return TypedResults.Ok(await ViewAsync(db, access, citizen, cancellationToken));
    }

    public static async Task<CitizenView> ViewAsync(RegistryDbContext db, RegistryAccess access, Citizen c, CancellationToken cancellationToken)
    {
        var today = access.Today;
        var numbers = await db.IdNumbers.AsNoTracking().Where(n => n.CitizenId == c.Id).OrderBy(n => n.Id)
            .Select(n => new IdNumberView(n.Number, n.AssignedAt, n.CancelledAt, n.CancellationReason)).ToListAsync(cancellationToken);
        var residences = (await db.Residences.AsNoTracking().Where(r => r.CitizenId == c.Id).ToListAsync(cancellationToken))
            .OrderByDescending(r => r.ValidFrom)
            .Select(r => new ResidenceView(r.Id, r.Kind.ToString(), r.UnitCode, r.AddressLine, r.HouseholdId, r.ValidFrom, r.ValidUntil,
                r.EndedOn, r.EndReason, r.IsActiveOn(today)))
            .ToList();
        var membership = await db.HouseholdMembers.AsNoTracking().Where(m => m.CitizenId == c.Id && m.LeftOn == null)
            .Select(m => (Guid?)m.HouseholdId).FirstOrDefaultAsync(cancellationToken);
        var household = membership is { } householdId ? await HouseholdViewAsync(db, householdId, cancellationToken) : null;
        // A merged duplicate's events were registered on its record; they are the survivor's too.
        var selves = await db.Citizens.AsNoTracking().Where(m => m.MergedIntoId == c.Id).Select(m => m.Id).ToListAsync(cancellationToken);
        selves.Add(c.Id);
        var events = (await db.Events.AsNoTracking().Where(e => selves.Contains(e.CitizenId) || (e.OtherCitizenId != null && selves.Contains(e.OtherCitizenId.Value)))
                .ToListAsync(cancellationToken))
            .OrderBy(e => e.RegisteredAt)
            .Select(e => new CivilStatusEventView(e.Id, e.Kind.ToString(), e.OccurredOn, e.RegistrationUnitCode,
                selves.Contains(e.CitizenId) ? e.OtherCitizenId : e.CitizenId, e.LegalBasis, e.RegisteredAt))
            .ToList();
        return new CitizenView(c.Id, c.PersonalIdNumber, c.FullName, c.DateOfBirth.ToString(), c.Sex.ToString(), c.BirthRegistrationProvince,
            c.Birthplace, c.Hometown, c.EthnicityCode, c.Religion, c.Nationality, c.FatherId, c.MotherId, c.SpouseId, c.Status.ToString(),
            c.DateOfDeath, new IdCardView(c.IdCardNumber, c.IdCardIssuedOn, c.IdCardExpiresOn), c.Version,
            await access.HomeCommuneAsync(c.Id, cancellationToken), numbers, residences, household, events);
    }

    public static async Task<HouseholdView?> HouseholdViewAsync(RegistryDbContext db, Guid householdId, CancellationToken cancellationToken)
    {
        var household = await db.Households.AsNoTracking().FirstOrDefaultAsync(h => h.Id == householdId, cancellationToken);
        if (household is null)
        {
            return null;
        }
        var members = await (from m in db.HouseholdMembers.AsNoTracking()
                             join p in db.Citizens.AsNoTracking() on m.CitizenId equals p.Id
                             where m.HouseholdId == householdId && m.LeftOn == null
                             select new { m.CitizenId, p.FullName, m.RelationToHead, m.JoinedOn }).ToListAsync(cancellationToken);
        return new HouseholdView(household.Id, household.HeadId, household.UnitCode, household.AddressLine, household.EstablishedOn,
            household.DissolvedOn, household.Version,
            members.OrderByDescending(m => m.CitizenId == household.HeadId).ThenBy(m => m.JoinedOn)
                .Select(m => new HouseholdMemberView(m.CitizenId, m.FullName, m.RelationToHead, m.CitizenId == household.HeadId, m.JoinedOn))
                .ToList());
    }
}
