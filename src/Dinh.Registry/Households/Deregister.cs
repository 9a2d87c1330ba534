using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Registry.Households;

/// <summary>
/// Deregistration of permanent residence (xóa đăng ký thường trú, Law on Residence 2020 Art. 24; Decree 154/2024):
/// the permanent residence ends with the ground given, and the citizen leaves the household.
/// </summary>
public sealed record DeregisterRequest(int? Version, string? On, string? Reason, string? Purpose, string? LegalBasis, Guid? NewHeadId = null);

internal static class Deregister
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/citizens/{id:guid}/deregistration", HandleAsync).WithName("DeregisterPermanentResidence")
            .WithSummary("Deregister a citizen's permanent residence.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id, DeregisterRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var on = errors.Date("on", request.On, access.Today);
        var reason = errors.Required("reason", request.Reason);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (citizen, problem) = await access.CitizenForAsync(http, officer, OfficerTask.Residence, id, purpose, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (!CitizenHistory.IsCurrent(db, citizen!, version))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        if (await RecordAsync(db, http, officer, citizen!, on!.Value, reason!, purpose, legalBasis, request.NewHeadId, clock.GetUtcNow(),
                cancellationToken) is { } error)
        {
            return CitizenErrors.Problem(error);
        }
        return await Events.CivilStatusEvents.SaveAsync(db, access, http, citizen!, cancellationToken);
    }

    /// <summary>
    /// The deregistration itself, shared with the portal's write contract: the citizen leaves the household (a head
    /// with members needs <paramref name="newHeadId"/>) and the permanent residence ends with the ground given. Nothing
    /// is saved; a refusal returns its error (no permanent residence: DINH-REG-0004).
    /// </summary>
    internal static async Task<Dinh.Platform.Problems.ErrorDefinition?> RecordAsync(RegistryDbContext db, HttpContext http, SignedInOfficer officer,
        Citizen citizen, DateOnly on, string reason, string purpose, string legalBasis, Guid? newHeadId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (await HouseholdMembership.LeaveAsync(db, citizen.Id, on, newHeadId, cancellationToken) is { } householdError)
        {
            return householdError;
        }
        var before = CitizenHistory.Snapshot(citizen);
        var ended = await HouseholdMembership.EndResidencesAsync(db, citizen.Id, on, reason, cancellationToken, ResidenceKind.Permanent);
        if (ended.Count == 0)
        {
            return CitizenErrors.StateRefused;
        }
        CitizenHistory.Record(db, http, citizen, officer, "registry.residence.deregistered", legalBasis, purpose, before, now,
            extraBefore: ended, extraAfter: ended.ToDictionary(e => e.Key, _ => (string?)null, StringComparer.Ordinal));
        return null;
    }
}
