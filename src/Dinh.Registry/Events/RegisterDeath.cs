using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Households;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Events;

/// <summary>
/// Death registration with the interconnected deregistration of Decree 63/2024 group 2: the citizen is marked
/// deceased, every active residence ends ("death"), the spouse link is released, and the household loses the member.
/// A head who dies needs a successor (<see cref="RegisterDeathRequest.NewHeadId"/>) unless they lived alone.
/// </summary>
public sealed record RegisterDeathRequest(Guid CitizenId, int? Version, string? DateOfDeath, string? Purpose, string? LegalBasis,
    string? RegistrationUnitCode = null, Guid? NewHeadId = null);

internal static class RegisterDeath
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/deaths", HandleAsync).WithName("RegisterDeath")
            .WithSummary("Register a death: marks the citizen deceased, ends residence and household membership.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(RegisterDeathRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var died = errors.Date("dateOfDeath", request.DateOfDeath, access.Today);
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
        if (citizen!.Status == CitizenStatus.Deceased)
        {
            return CivilStatusEvents.Refused("Công dân đã được đăng ký khai tử.", "The citizen's death is already registered.");
        }
        if (died!.Value < citizen.DateOfBirth.Earliest)
        {
            errors.Add("dateOfDeath", "before-birth");
            return errors.ToProblem();
        }
        if (await RecordAsync(db, http, officer, citizen, died.Value, unit!, purpose, legalBasis, request.NewHeadId, clock.GetUtcNow(),
                cancellationToken) is { } householdError)
        {
            return CitizenErrors.Problem(householdError);
        }
        var saved = await CivilStatusEvents.SaveAsync(db, access, http, citizen, cancellationToken);
        if (saved.Result is Ok<CitizenView>)
        {
            // After the commit: an observer's failure cannot undo the death; the identity module also refuses a
            // deceased citizen at every sign-in, so a missed notification still locks them out.
            foreach (var observer in http.RequestServices.GetServices<ICitizenLifeEvents>())
            {
                await observer.CitizenDiedAsync(citizen.Id, CancellationToken.None);
            }
        }
        return saved;
    }

    /// <summary>
    /// The death itself, shared with the portal's write contract: leaves the household (a head with members needs
    /// <paramref name="newHeadId"/>), ends every residence, marks the citizen deceased, widows the spouse, and
    /// records the event and the versions. Nothing is saved; a household refusal returns its error and changes nothing.
    /// </summary>
    internal static async Task<Dinh.Platform.Problems.ErrorDefinition?> RecordAsync(RegistryDbContext db, HttpContext http, SignedInOfficer officer,
        Citizen citizen, DateOnly died, string unit, string purpose, string legalBasis, Guid? newHeadId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (await HouseholdMembership.LeaveAsync(db, citizen.Id, died, newHeadId, cancellationToken) is { } householdError)
        {
            return householdError;
        }
        var before = CitizenHistory.Snapshot(citizen);
        var spouse = citizen.SpouseId is { } spouseId ? await db.Citizens.FindAsync([spouseId], cancellationToken) : null;
        var ended = await HouseholdMembership.EndResidencesAsync(db, citizen.Id, died, "death", cancellationToken,
            ResidenceKind.Permanent, ResidenceKind.Temporary, ResidenceKind.Current);
        citizen.RecordDeath(died);
        CivilStatusEvents.Add(db, CivilStatusEventKind.Death, citizen, null, died, unit, officer, legalBasis, now);
        CitizenHistory.Record(db, http, citizen, officer, "registry.death.registered", legalBasis, purpose, before, now,
            extraBefore: ended, extraAfter: ended.ToDictionary(e => e.Key, _ => (string?)null, StringComparer.Ordinal));
        if (spouse is not null && spouse.SpouseId == citizen.Id)
        {
            var spouseBefore = CitizenHistory.Snapshot(spouse);
            spouse.Divorce();
            CitizenHistory.Record(db, http, spouse, officer, "registry.spouse.widowed", legalBasis, purpose, spouseBefore, now);
        }
        return null;
    }
}
