using System.Text.Json;
using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Registry.Events;

/// <summary>A change of name (thay đổi họ, chữ đệm, tên): the new name is stored NFC and its matching keys recomputed.</summary>
public sealed record RegisterNameChangeRequest(Guid CitizenId, int? Version, string? FullName, string? OccurredOn, string? Purpose, string? LegalBasis,
    string? RegistrationUnitCode = null);

internal static class RegisterNameChange
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/name-changes", HandleAsync).WithName("RegisterNameChange")
            .WithSummary("Register a change of name.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(RegisterNameChangeRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var name = errors.Name("fullName", request.FullName);
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
        if (citizen!.Status != CitizenStatus.Living)
        {
            return CivilStatusEvents.Refused("Không thể đổi tên người đã mất.", "A deceased person's name cannot be changed.");
        }
        var now = clock.GetUtcNow();
        var before = CitizenHistory.Snapshot(citizen);
        var previousName = citizen.FullName;
        citizen.SetName(name!);
        CivilStatusEvents.Add(db, CivilStatusEventKind.NameChange, citizen, null, on!.Value, unit!, officer, legalBasis, now,
            JsonSerializer.Serialize(new { previousName, newName = citizen.FullName }));
        CitizenHistory.Record(db, http, citizen, officer, "registry.name.changed", legalBasis, purpose, before, now);
        return await CivilStatusEvents.SaveAsync(db, access, http, citizen, cancellationToken);
    }
}
