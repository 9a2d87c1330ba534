using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Registry.Households;

internal static class GetHousehold
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/households/{id:guid}", HandleAsync).WithName("GetHousehold")
            .WithSummary("A household with its head and members; the read is audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<HouseholdView>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id, [FromQuery] string? purpose,
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
        var (_, problem) = await access.HouseholdForAsync(http, officer, OfficerTask.Read, id, why!, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        CitizenHistory.ReadAudit(db, http, officer, $"household:{id}", why!, "registry.household.read");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok((await GetCitizen.HouseholdViewAsync(db, id, cancellationToken))!);
    }
}
