using System.Text.Json;
using Dinh.Identity.Contracts;
using Dinh.Platform.Auditing;
using Dinh.Services.Calendar;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Catalogue;

/// <summary>A procedure in the catalogue: what is needed, the fee, the time limit (the definition itself).</summary>
public sealed record ProcedureSummary(string Code, int Version, string Kind, string Name, string Agency, int TimeLimitWorkingDays, long FeeVnd);

/// <summary>A holiday an administrator adds or renames.</summary>
public sealed record HolidayRequest(string? Date, string? NameVi, string? NameEn);

/// <summary>
/// The public catalogue (search, one procedure's definition) and the administrators' side: a new version of a
/// definition (never an edit: dossiers keep the version they were submitted under) and the holiday table.
/// </summary>
internal static class CatalogueApi
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/procedures", ListAsync).WithName("Procedures").WithSummary("The catalogue, latest versions; ?q= searches names (both languages).");
        api.MapGet("/procedures/{code}", GetAsync).WithName("Procedure").WithSummary("One procedure's latest definition, or ?version=.");
        api.MapPost("/admin/procedures", AddVersionAsync).WithName("AddProcedureVersion")
            .WithSummary("Administrators: add a new version of a procedure (or a new procedure). Submitted dossiers keep their version.");
        api.MapGet("/calendar/holidays", HolidaysAsync).WithName("Holidays").WithSummary("The holiday table deadlines are computed with.");
        api.MapPut("/admin/calendar/holidays", PutHolidayAsync).WithName("PutHoliday").WithSummary("Administrators: add or rename a holiday.");
        api.MapDelete("/admin/calendar/holidays/{date}", DeleteHolidayAsync).WithName("DeleteHoliday").WithSummary("Administrators: remove a holiday.");
    }

    public static async Task<Ok<List<ProcedureSummary>>> ListAsync(string? q, ProcedureCatalogue catalogue, CancellationToken cancellationToken)
    {
        var english = Dinh.Platform.Web.Cultures.IsEnglish;
        var key = q is null ? null : Dinh.Registry.Contracts.VietnameseText.AsciiKey(q);
        var all = await catalogue.AllLatestAsync(cancellationToken);
        return TypedResults.Ok(all.Where(s => key is null || Dinh.Registry.Contracts.VietnameseText.AsciiKey(s.NameVi).Contains(key, StringComparison.Ordinal)
                || Dinh.Registry.Contracts.VietnameseText.AsciiKey(s.NameEn).Contains(key, StringComparison.Ordinal) || s.Code.Contains(key, StringComparison.Ordinal))
            .Select(s => new ProcedureSummary(s.Code, s.Version, s.Kind, s.Name(english), english ? s.AgencyEn : s.AgencyVi, s.TimeLimitWorkingDays, s.FeeVnd))
            .ToList());
    }

    public static async Task<Results<Ok<ProcedureSpec>, ProblemHttpResult>> GetAsync(string code, int? version, ProcedureCatalogue catalogue,
        CancellationToken cancellationToken)
    {
        var spec = version is { } v ? await catalogue.VersionAsync(code, v, cancellationToken) : await catalogue.LatestAsync(code, cancellationToken);
        return spec is null ? ServicesErrors.Problem(ServicesErrors.ProcedureNotFound) : TypedResults.Ok(spec);
    }

    public static async Task<Results<Created<ProcedureSummary>, ValidationProblem, ProblemHttpResult>> AddVersionAsync(HttpContext http,
        ServicesDbContext db, ProcedureCatalogue catalogue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!http.User.IsInRole(StaffRoles.Administrator))
        {
            return ServicesErrors.Problem(ServicesErrors.AdministratorRequired);
        }
        ProcedureSpec? spec;
        try
        {
            spec = await JsonSerializer.DeserializeAsync<ProcedureSpec>(http.Request.Body, ProcedureSpec.Json, cancellationToken);
        }
        catch (JsonException)
        {
            spec = null;
        }
        return await StoreVersionAsync(spec, http, db, catalogue, clock, cancellationToken);
    }

    /// <summary>The same, from the JSON an administrator pasted or uploaded on the page.</summary>
    internal static async Task<Results<Created<ProcedureSummary>, ValidationProblem, ProblemHttpResult>> AddVersionFromTextAsync(string? json, HttpContext http,
        ServicesDbContext db, ProcedureCatalogue catalogue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!http.User.IsInRole(StaffRoles.Administrator))
        {
            return ServicesErrors.Problem(ServicesErrors.AdministratorRequired);
        }
        ProcedureSpec? spec;
        try
        {
            spec = string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<ProcedureSpec>(json, ProcedureSpec.Json);
        }
        catch (JsonException)
        {
            spec = null;
        }
        return await StoreVersionAsync(spec, http, db, catalogue, clock, cancellationToken);
    }

    private static async Task<Results<Created<ProcedureSummary>, ValidationProblem, ProblemHttpResult>> StoreVersionAsync(ProcedureSpec? spec, HttpContext http,
        ServicesDbContext db, ProcedureCatalogue catalogue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (spec is null)
        {
            return ServicesErrors.Validation(new Dictionary<string, string> { ["body"] = "format" });
        }
        var known = (await catalogue.AllLatestAsync(cancellationToken)).Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        var problems = spec.Check(known.Contains);
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        var latest = await db.Procedures.Where(p => p.Code == spec.Code).MaxAsync(p => (int?)p.Version, cancellationToken) ?? 0;
        spec = spec with { Version = latest + 1 };
        var now = clock.GetUtcNow();
        var actor = $"account:{Dinh.Identity.Contracts.SignedInCitizens.AccountIdOf(http.User)}";
        db.Procedures.Add(new ProcedureDefinition
        {
            Id = Guid.CreateVersion7(now), Code = spec.Code, Version = spec.Version, Json = JsonSerializer.Serialize(spec, ProcedureSpec.Json),
            CreatedAt = now, CreatedBy = actor,
        });
        db.Audit(new AuditEvent(actor, "services.procedure.versioned", "Quản lý danh mục thủ tục")
        {
            Subject = $"procedure:{spec.Code}", RequestId = http.TraceIdentifier, Details = $"{{\"version\":{spec.Version}}}",
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ServicesErrors.Problem(ServicesErrors.StaleVersion);
        }
        return TypedResults.Created($"/api/services/procedures/{spec.Code}?version={spec.Version}",
            new ProcedureSummary(spec.Code, spec.Version, spec.Kind, spec.NameVi, spec.AgencyVi, spec.TimeLimitWorkingDays, spec.FeeVnd));
    }

    public static async Task<Ok<List<HolidayRequest>>> HolidaysAsync(int? year, ServicesDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Holidays.AsNoTracking().Where(h => year == null || (h.Date >= new DateOnly(year.Value, 1, 1) && h.Date <= new DateOnly(year.Value, 12, 31)))
            .OrderBy(h => h.Date).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(h => new HolidayRequest(h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), h.NameVi, h.NameEn)).ToList());
    }

    public static async Task<Results<Ok<HolidayRequest>, ValidationProblem, ProblemHttpResult>> PutHolidayAsync(HolidayRequest request, HttpContext http,
        ServicesDbContext db, CancellationToken cancellationToken)
    {
        if (!http.User.IsInRole(StaffRoles.Administrator))
        {
            return ServicesErrors.Problem(ServicesErrors.AdministratorRequired);
        }
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!DateOnly.TryParseExact(request.Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            problems["date"] = string.IsNullOrWhiteSpace(request.Date) ? "required" : "format";
        }
        foreach (var (field, value) in new[] { ("nameVi", request.NameVi), ("nameEn", request.NameEn) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems[field] = "required";
            }
            else if (value.Length > 120)
            {
                problems[field] = "too-long";
            }
        }
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        var holiday = await db.Holidays.FirstOrDefaultAsync(h => h.Date == date, cancellationToken);
        if (holiday is null)
        {
            db.Holidays.Add(new Holiday { Date = date, NameVi = request.NameVi!.Trim(), NameEn = request.NameEn!.Trim() });
        }
        else
        {
            holiday.NameVi = request.NameVi!.Trim();
            holiday.NameEn = request.NameEn!.Trim();
        }
        db.Audit(new AuditEvent($"account:{SignedInCitizens.AccountIdOf(http.User)}", "services.calendar.changed", "Quản lý lịch làm việc")
        {
            Subject = $"holiday:{request.Date}", RequestId = http.TraceIdentifier,
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(request);
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteHolidayAsync(string date, HttpContext http, ServicesDbContext db,
        CancellationToken cancellationToken)
    {
        if (!http.User.IsInRole(StaffRoles.Administrator))
        {
            return ServicesErrors.Problem(ServicesErrors.AdministratorRequired);
        }
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            || await db.Holidays.FirstOrDefaultAsync(h => h.Date == day, cancellationToken) is not { } holiday)
        {
            return TypedResults.NotFound();
        }
        db.Holidays.Remove(holiday);
        db.Audit(new AuditEvent($"account:{SignedInCitizens.AccountIdOf(http.User)}", "services.calendar.changed", "Quản lý lịch làm việc")
        {
            Subject = $"holiday:{date}", RequestId = http.TraceIdentifier,
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
