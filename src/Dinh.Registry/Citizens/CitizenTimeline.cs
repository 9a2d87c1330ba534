using System.Text.Json;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

public sealed record TimelineEntry(int Version, DateTimeOffset At, string Actor, string Action, string LegalBasis,
    IReadOnlyDictionary<string, string?>? Before, IReadOnlyDictionary<string, string?> After);

public sealed record ResultPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

internal static class CitizenTimeline
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/citizens/{id:guid}/timeline", HandleAsync).WithName("GetCitizenTimeline")
            .WithSummary("Every version of a citizen record, newest first: who, when, under which legal basis, before and after.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<ResultPage<TimelineEntry>>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id,
        [FromQuery] string? purpose, [FromQuery] int? page, [FromQuery] int? pageSize, HttpContext http, RegistryDbContext db,
        RegistryAccess access, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var why = errors.Required("purpose", RegistryRequest.Purpose(http, purpose));
        var (number, size) = Paging(errors, page, pageSize);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (_, problem) = await access.CitizenForAsync(http, officer, OfficerTask.Read, id, why!, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        CitizenHistory.ReadAudit(db, http, officer, $"citizen:{id}", why!, "registry.citizen.timeline.read");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await PageAsync(db, id, number, size, cancellationToken));
    }

    public static async Task<ResultPage<TimelineEntry>> PageAsync(RegistryDbContext db, Guid id, int page, int size, CancellationToken cancellationToken)
    {
        var query = db.Changes.AsNoTracking().Where(c => c.CitizenId == id);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(c => c.Version).Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new ResultPage<TimelineEntry>(rows.Select(c => new TimelineEntry(c.Version, c.At, c.Actor, c.Action, c.LegalBasis,
            c.Before is null ? null : JsonSerializer.Deserialize<Dictionary<string, string?>>(c.Before),
            JsonSerializer.Deserialize<Dictionary<string, string?>>(c.After) ?? [])).ToList(), page, size, total);
    }

    public static (int Page, int Size) Paging(FieldErrors errors, int? page, int? pageSize)
    {
        if (page is < 1)
        {
            errors.Add("page", "format");
        }
        if (pageSize is < 1 or > 100)
        {
            errors.Add("pageSize", "format");
        }
        return (Math.Max(page ?? 1, 1), Math.Clamp(pageSize ?? 20, 1, 100));
    }
}
