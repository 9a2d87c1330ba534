using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Households;

public sealed record SeparatingMember(Guid CitizenId, string? RelationToHead);

/// <summary>
/// Household separation (tách hộ, Law on Residence 2020 Art. 25): some members leave to form a new household at the
/// same commune, with one of them as its head. The current head stays; both households keep exactly one head.
/// </summary>
public sealed record SeparateHouseholdRequest(int? Version, IReadOnlyList<SeparatingMember>? Members, Guid? NewHeadId, string? On,
    string? Purpose, string? LegalBasis, string? AddressLine = null);

internal static class SeparateHousehold
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/households/{id:guid}/separations", HandleAsync).WithName("SeparateHousehold")
            .WithSummary("Separate members into a new household; send the household's version.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Created<HouseholdView>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id,
        SeparateHouseholdRequest request, HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var on = errors.Date("on", request.On, access.Today);
        var address = errors.Text("addressLine", request.AddressLine);
        var members = request.Members ?? [];
        if (members.Count == 0)
        {
            errors.Add("members", "required");
        }
        if (request.NewHeadId is not { } newHeadId || members.All(m => m.CitizenId != newHeadId))
        {
            errors.Add("newHeadId", "head-not-in-members");
        }
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].CitizenId != request.NewHeadId)
            {
                errors.Text($"members[{i}].relationToHead", members[i].RelationToHead);
                if (string.IsNullOrWhiteSpace(members[i].RelationToHead))
                {
                    errors.Add($"members[{i}].relationToHead", "required");
                }
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (household, problem) = await access.HouseholdForAsync(http, officer, OfficerTask.Residence, id, purpose, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (!HouseholdMembership.IsCurrent(db, household!, version))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        var ids = members.Select(m => m.CitizenId).ToList();
        var memberships = await db.HouseholdMembers.Where(m => m.HouseholdId == id && m.LeftOn == null && ids.Contains(m.CitizenId))
            .ToListAsync(cancellationToken);
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].CitizenId == household!.HeadId || memberships.All(m => m.CitizenId != members[i].CitizenId))
            {
                errors.Add($"members[{i}].citizenId", "not-a-member");
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var date = on!.Value;
        var separated = new Household
        {
            Id = Guid.CreateVersion7(now), HeadId = request.NewHeadId!.Value, UnitCode = household!.UnitCode,
            AddressLine = address ?? household.AddressLine, EstablishedOn = date,
        };
        db.Households.Add(separated);
        household.Version++;
        var citizens = await db.Citizens.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
        foreach (var membership in memberships)
        {
            membership.LeftOn = date;
            var member = members.First(m => m.CitizenId == membership.CitizenId);
            db.HouseholdMembers.Add(new HouseholdMember
            {
                HouseholdId = separated.Id, CitizenId = member.CitizenId, JoinedOn = date,
                RelationToHead = member.CitizenId == separated.HeadId ? HouseholdMembership.HeadRelation : member.RelationToHead!.Trim(),
            });
            var citizen = citizens.First(c => c.Id == membership.CitizenId);
            var before = CitizenHistory.Snapshot(citizen);
            var ended = await HouseholdMembership.EndResidencesAsync(db, citizen.Id, date, "separation", cancellationToken, ResidenceKind.Permanent);
            var residence = new Residence
            {
                Id = Guid.CreateVersion7(now), CitizenId = citizen.Id, Kind = ResidenceKind.Permanent, HouseholdId = separated.Id,
                UnitCode = separated.UnitCode, AddressLine = separated.AddressLine, ValidFrom = date,
            };
            db.Residences.Add(residence);
            CitizenHistory.Record(db, http, citizen, officer, "registry.household.separated", legalBasis, purpose, before, now, extraBefore: ended,
                extraAfter: new(StringComparer.Ordinal) { [HouseholdMembership.Field(ResidenceKind.Permanent)] = HouseholdMembership.Describe(residence) });
        }
        if (!await CitizenHistory.SaveUnlessStaleAsync(db, cancellationToken))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        return TypedResults.Created($"/api/registry/households/{separated.Id}",
            (await GetCitizen.HouseholdViewAsync(db, separated.Id, cancellationToken))!);
    }
}
