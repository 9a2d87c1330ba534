using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Events;

/// <summary>Marriage registration: links both spouses. Both must be living and unmarried.</summary>
public sealed record RegisterMarriageRequest(Guid CitizenId, int? Version, Guid SpouseId, string? OccurredOn, string? Purpose, string? LegalBasis,
    string? RegistrationUnitCode = null, int? SpouseVersion = null);

internal static class RegisterMarriage
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/marriages", HandleAsync).WithName("RegisterMarriage")
            .WithSummary("Register a marriage: links the two spouses.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(RegisterMarriageRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var on = errors.Date("occurredOn", request.OccurredOn, access.Today);
        var unit = await CivilStatusEvents.UnitAsync(errors, access, request.RegistrationUnitCode, officer, request.CitizenId, cancellationToken);
        if (request.SpouseId == request.CitizenId)
        {
            errors.Add("spouseId", "same-person");
        }
        var spouse = await db.Citizens.FirstOrDefaultAsync(c => c.Id == request.SpouseId, cancellationToken);
        if (spouse is null)
        {
            errors.Add("spouseId", "not-found");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (citizen, problem) = await access.CitizenForAsync(http, officer, OfficerTask.CivilStatus, request.CitizenId, purpose, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (CivilStatusEvents.Stale(db, citizen!, version) is { } stale)
        {
            return stale;
        }
        if (request.SpouseVersion is { } spouseVersion && !CitizenHistory.IsCurrent(db, spouse!, spouseVersion))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        if (!Record(db, http, officer, citizen!, spouse!, on!.Value, unit!, purpose, legalBasis, clock.GetUtcNow()))
        {
            return CivilStatusEvents.Refused("Cả hai người phải còn sống và chưa có vợ/chồng.", "Both people must be living and unmarried.");
        }
        return await CivilStatusEvents.SaveAsync(db, access, http, citizen!, cancellationToken);
    }

    /// <summary>
    /// The marriage itself, shared with the portal's write contract: both living and unmarried, each linked to the
    /// other, the event and both versions recorded. Nothing is saved; false (and nothing changed) if the state refuses.
    /// </summary>
    internal static bool Record(RegistryDbContext db, HttpContext http, SignedInOfficer officer, Citizen citizen, Citizen spouse, DateOnly on,
        string unit, string purpose, string legalBasis, DateTimeOffset now)
    {
        if (citizen.Id == spouse.Id || citizen.Status != CitizenStatus.Living || citizen.SpouseId is not null
            || spouse.Status != CitizenStatus.Living || spouse.SpouseId is not null)
        {
            return false;
        }
        var before = CitizenHistory.Snapshot(citizen);
        var spouseBefore = CitizenHistory.Snapshot(spouse);
        citizen.Marry(spouse.Id);
        spouse.Marry(citizen.Id);
        CivilStatusEvents.Add(db, CivilStatusEventKind.Marriage, citizen, spouse.Id, on, unit, officer, legalBasis, now);
        CitizenHistory.Record(db, http, citizen, officer, "registry.marriage.registered", legalBasis, purpose, before, now);
        CitizenHistory.Record(db, http, spouse, officer, "registry.marriage.registered", legalBasis, purpose, spouseBefore, now);
        return true;
    }
}
