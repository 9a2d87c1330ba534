using System.Globalization;
using System.Text.Json;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Events;

/// <summary>Cancelling a death registered in error: the citizen's version, the purpose and the legal basis (the decision that cancels it).</summary>
public sealed record CancelDeathRequest(Guid CitizenId, int? Version, string? Purpose, string? LegalBasis, string? RegistrationUnitCode = null);

/// <summary>
/// A death registered in error is cancelled by the civil-status officer: the citizen is living again, the cancellation
/// is a civil-status event of its own (the death event stays, as history), and the modules that acted on the death are
/// told after the commit (the identity module lifts the automatic lock of the e-ID account, Decree 69/2024 Art. 15).
/// What the death ended — residence, household membership, marriage — is not restored: each is re-registered under its
/// own procedure. The change feed publishes it as `death-cancelled` to every member granted `death` events.
/// </summary>
internal static class CancelDeath
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/deaths/cancel", HandleAsync).WithName("CancelDeath")
            .WithSummary("Cancel a death registered in error: the citizen is living again; the e-ID account's automatic lock is lifted.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(CancelDeathRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
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
        if (citizen!.Status != CitizenStatus.Deceased || citizen.DateOfDeath is not { } died)
        {
            return CivilStatusEvents.Refused("Công dân không được ghi nhận là đã chết.", "The citizen is not recorded as deceased.");
        }
        var now = clock.GetUtcNow();
        var before = CitizenHistory.Snapshot(citizen);
        citizen.CancelDeath();
        CivilStatusEvents.Add(db, CivilStatusEventKind.DeathCancelled, citizen, null, access.Today, unit!, officer, legalBasis, now,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["cancelledDateOfDeath"] = died.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }));
        CitizenHistory.Record(db, http, citizen, officer, "registry.death.cancelled", legalBasis, purpose, before, now);
        var saved = await CivilStatusEvents.SaveAsync(db, access, http, citizen, cancellationToken);
        if (saved.Result is Ok<CitizenView>)
        {
            // After the commit, as for the death itself; a missed notification is caught at the next sign-in, which
            // reads the citizen's status again.
            foreach (var observer in http.RequestServices.GetServices<ICitizenLifeEvents>())
            {
                await observer.CitizenDeathCancelledAsync(citizen.Id, CancellationToken.None);
            }
        }
        return saved;
    }
}
