using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Households;

/// <summary>
/// Registering a residence (Law on Residence 2020): permanent (joins a household, or founds one with the citizen as
/// head), temporary (ends at most 2 years after it starts, Art. 27) or current. A new residence of a kind replaces
/// the active one of that kind. The registering officer is the police of the destination commune.
/// </summary>
public sealed record ChangeResidenceRequest(int? Version, string? Kind, string? UnitCode, string? AddressLine, string? ValidFrom,
    string? Purpose, string? LegalBasis, string? ValidUntil = null, Guid? HouseholdId = null, string? RelationToHead = null, Guid? NewHeadId = null);

internal static class ChangeResidence
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/citizens/{id:guid}/residences", HandleAsync).WithName("ChangeResidence")
            .WithSummary("Register a permanent, temporary or current residence.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id, ChangeResidenceRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        ResidenceKind? kind = request.Kind?.Trim().ToUpperInvariant() switch
        {
            "PERMANENT" => ResidenceKind.Permanent,
            "TEMPORARY" => ResidenceKind.Temporary,
            "CURRENT" => ResidenceKind.Current,
            null or "" => null,
            _ => null,
        };
        if (kind is null)
        {
            errors.Add("kind", string.IsNullOrWhiteSpace(request.Kind) ? "required" : "unknown");
        }
        var today = access.Today;
        var from = errors.Date("validFrom", request.ValidFrom, today, allowFuture: true);
        var until = errors.Date("validUntil", request.ValidUntil, today, required: kind == ResidenceKind.Temporary, allowFuture: true);
        if (from is { } start && until is { } end)
        {
            if (end <= start)
            {
                errors.Add("validUntil", "before-start");
            }
            else if (end > start.AddYears(2))
            {
                errors.Add("validUntil", "too-late");
            }
        }
        var address = errors.Text("addressLine", request.AddressLine);
        var unit = errors.Required("unitCode", request.UnitCode);
        if (unit is not null && !await access.IsCommuneAsync(unit, cancellationToken))
        {
            errors.Add("unitCode", "unknown-unit");
        }
        var relation = errors.Text("relationToHead", request.RelationToHead);
        Household? household = null;
        if (kind == ResidenceKind.Permanent && request.HouseholdId is { } householdId)
        {
            household = await db.Households.FirstOrDefaultAsync(h => h.Id == householdId && h.DissolvedOn == null, cancellationToken);
            if (household is null)
            {
                errors.Add("householdId", "not-found");
            }
            else if (household.UnitCode != unit)
            {
                errors.Add("householdId", "elsewhere");
            }
            if (relation is null)
            {
                errors.Add("relationToHead", "required");
            }
        }
        else if (address is null && !errors.Problems.ContainsKey("addressLine"))
        {
            errors.Add("addressLine", "required");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var citizen = await db.Citizens.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (citizen is null)
        {
            return CitizenErrors.Problem(CitizenErrors.CitizenNotFound);
        }
        if (await access.RefuseAsync(http, officer, OfficerTask.Residence, unit, $"citizen:{id}", purpose, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        if (!CitizenHistory.IsCurrent(db, citizen, version))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        if (citizen.Status != CitizenStatus.Living)
        {
            return CitizenErrors.Problem(CitizenErrors.StateRefused);
        }
        var facts = new ResidenceFacts(kind!.Value, unit!, address, from!.Value, until, household, relation, request.NewHeadId);
        if (await RecordAsync(db, http, officer, citizen, facts, purpose, legalBasis, clock.GetUtcNow(), cancellationToken) is { } householdError)
        {
            return CitizenErrors.Problem(householdError);
        }
        return await Events.CivilStatusEvents.SaveAsync(db, access, http, citizen, cancellationToken);
    }

    /// <summary>
    /// The registration itself, shared by this endpoint and the registry's write contract (<see cref="Contracts.CivilRegistration"/>):
    /// leaves the old household, ends the replaced residence, joins or founds the household and records the history.
    /// The caller has validated and authorised. Nothing is saved here.
    /// </summary>
    internal static async Task<Dinh.Platform.Problems.ErrorDefinition?> RecordAsync(RegistryDbContext db, HttpContext http, SignedInOfficer officer,
        Citizen citizen, ResidenceFacts facts, string purpose, string legalBasis, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (kind, unit, address, startOn, until, household, relation, newHeadId) = facts;
        var id = citizen.Id;
        if (kind == ResidenceKind.Permanent && await HouseholdMembership.LeaveAsync(db, id, startOn, newHeadId, cancellationToken) is { } householdError)
        {
            return householdError;
        }
        var before = CitizenHistory.Snapshot(citizen);
        var ended = await HouseholdMembership.EndResidencesAsync(db, id, startOn, "replaced", cancellationToken, kind);
        if (kind == ResidenceKind.Permanent)
        {
            if (household is null)
            {
                household = HouseholdMembership.Establish(db, Guid.CreateVersion7(now), id, unit, address!, startOn);
            }
            else
            {
                HouseholdMembership.Join(db, household, id, relation ?? "Con", startOn);
            }
        }
        var residence = new Residence
        {
            Id = Guid.CreateVersion7(now), CitizenId = id, Kind = kind, HouseholdId = household?.Id, UnitCode = unit,
            AddressLine = household?.AddressLine ?? address!, ValidFrom = startOn, ValidUntil = until,
        };
        db.Residences.Add(residence);
        CitizenHistory.Record(db, http, citizen, officer, "registry.residence.registered", legalBasis, purpose, before, now,
            extraBefore: ended, extraAfter: new(StringComparer.Ordinal) { [HouseholdMembership.Field(kind)] = HouseholdMembership.Describe(residence) });
        return null;
    }
}

internal sealed record ResidenceFacts(ResidenceKind Kind, string UnitCode, string? AddressLine, DateOnly From, DateOnly? Until, Household? Household,
    string? RelationToHead, Guid? NewHeadId);
