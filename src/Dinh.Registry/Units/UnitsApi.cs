using System.Globalization;
using Dinh.Platform.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Registry.Units;

/// <summary>GET /api/units and GET /api/units/{code}: public reference data, no personal data, no sign-in.</summary>
internal static class UnitsApi
{
    public static IEndpointRouteBuilder MapUnitsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/units").WithTags("Administrative units");
        group.MapGet("/", SearchAsync)
            .WithName("SearchUnits")
            .WithSummary("Search administrative units by code or name, as of a date")
            .WithDescription("q matches a code prefix or the name, ignoring case, diacritics and tone-mark placement " +
                "(\"thanh hoa\", \"Thanh Hoá\" and \"THANH HÓA\" all find Tỉnh Thanh Hóa). date (yyyy-MM-dd) defaults to " +
                "today; units valid until 2025-06-30 are the three-level structure, from 2025-07-01 the two-level one. " +
                "level: province, district or commune; parent: a parent code. Results are ranked, exact matches first, " +
                "paginated (pageSize at most 100).");
        group.MapGet("/{code}", GetAsync)
            .WithName("GetUnit")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An administrative unit as of a date, with its parent chain and its children")
            .WithDescription("404 (DINH-REG-0110) when no unit has the code on that date: codes are reused between " +
                "structures, so the same code can name different units on different dates.");
        return endpoints;
    }

    private static async Task<Results<Ok<UnitSearchPage>, ValidationProblem>> SearchAsync(
        UnitDirectory directory, HttpContext http, CancellationToken cancellationToken,
        string? q = null, string? date = null, string? level = null, string? parent = null, int? page = null, int? pageSize = null)
    {
        var (search, errors) = directory.Validate(new UnitSearchRequest(q, date, level, parent, page, pageSize));
        if (search is null)
        {
            return Invalid(errors, http);
        }
        return TypedResults.Ok(await directory.SearchAsync(search, cancellationToken));
    }

    private static async Task<Results<Ok<UnitDetail>, ProblemHttpResult, ValidationProblem>> GetAsync(
        string code, UnitDirectory directory, HttpContext http, CancellationToken cancellationToken,
        string? date = null, string? level = null)
    {
        var errors = new List<(string Field, ErrorDefinition Error)>();
        var on = directory.ParseDate(date, errors);
        var unitLevel = UnitDirectory.ParseLevel(level);
        if (!string.IsNullOrWhiteSpace(level) && unitLevel is null)
        {
            errors.Add(("level", UnitErrors.InvalidLevel));
        }
        if (!UnitDirectory.IsCode(code))
        {
            errors.Add(("code", UnitErrors.InvalidCode));
        }
        if (errors.Count > 0)
        {
            return Invalid(errors, http);
        }
        var detail = await directory.FindAsync(code, on, unitLevel, cancellationToken);
        if (detail is null)
        {
            var error = UnitErrors.UnitNotFound;
            // A problem result rather than NotFound<ProblemDetails>: only it is written as application/problem+json.
            return TypedResults.Problem(new ProblemDetails
            {
                Status = error.Status,
                Title = error.Title,
                Detail = error.Detail(CultureInfo.CurrentUICulture),
                Type = ErrorResponses.ProblemTypePrefix + error.Code,
                Extensions = { ["code"] = error.Code, ["traceId"] = http.TraceIdentifier },
            });
        }
        return TypedResults.Ok(detail);
    }

    /// <summary>The first error's code is the problem's code; every field's message is listed.</summary>
    private static ValidationProblem Invalid(List<(string Field, ErrorDefinition Error)> errors, HttpContext http)
    {
        var culture = CultureInfo.CurrentUICulture;
        var first = errors[0].Error;
        return TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Error.Detail(culture)).Distinct().ToArray()),
            detail: first.Detail(culture),
            title: first.Title,
            type: ErrorResponses.ProblemTypePrefix + first.Code,
            extensions: new Dictionary<string, object?> { ["code"] = first.Code, ["traceId"] = http.TraceIdentifier });
    }
}
