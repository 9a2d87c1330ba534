using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Registry.Events;

/// <summary>Recording a divorce (from the court's judgment): removes the spouse link on both sides.</summary>
public sealed record RegisterDivorceRequest(Guid CitizenId, int? Version, string? OccurredOn, string? Purpose, string? LegalBasis,
    string? RegistrationUnitCode = null);

internal static class RegisterDivorce
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/divorces", HandleAsync).WithName("RegisterDivorce")
            .WithSummary("Record a divorce: removes the spouse links.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(RegisterDivorceRequest request,
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
        if (citizen!.SpouseId is not { } spouseId)
        {
            return CivilStatusEvents.Refused("Công dân không có vợ/chồng.", "The citizen is not married.");
        }
        var spouse = await db.Citizens.FindAsync([spouseId], cancellationToken);
        var now = clock.GetUtcNow();
        var before = CitizenHistory.Snapshot(citizen);
        citizen.Divorce();
        CivilStatusEvents.Add(db, CivilStatusEventKind.Divorce, citizen, spouseId, on!.Value, unit!, officer, legalBasis, now);
        CitizenHistory.Record(db, http, citizen, officer, "registry.divorce.registered", legalBasis, purpose, before, now);
        if (spouse is not null && spouse.SpouseId == citizen.Id)
        {
            var spouseBefore = CitizenHistory.Snapshot(spouse);
            spouse.Divorce();
            CitizenHistory.Record(db, http, spouse, officer, "registry.divorce.registered", legalBasis, purpose, spouseBefore, now);
        }
        return await CivilStatusEvents.SaveAsync(db, access, http, citizen, cancellationToken);
    }
}
