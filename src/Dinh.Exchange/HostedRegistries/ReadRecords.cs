using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dinh.Exchange.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// The GovStack Data API's reads: `list` (GET /data/{registry}/{version}), `read`, `exists` and `readValue`. Each
/// record released is recorded (audit trail; access log of the citizen it is about); `exists` releases nothing
/// but is recorded as a verification.
/// </summary>
internal static class ReadRecords
{
    public const int MaxPageSize = 100;
    private static readonly TimeSpan SearchTimeout = TimeSpan.FromMilliseconds(100);

    public static void Map(IEndpointRouteBuilder data)
    {
        data.MapGet("/{registryName}/{versionNumber}", ListAsync).WithName("GovStackList")
            .WithSummary("GovStack list: search, filter, order and page a registry's records.");
        data.MapPost("/{registryName}/{versionNumber}/read", ReadAsync).WithName("GovStackRead").DisableAntiforgery()
            .WithSummary("GovStack read: the one record matching query.content.");
        data.MapPost("/{registryName}/{versionNumber}/exists", ExistsAsync).WithName("GovStackExists").DisableAntiforgery()
            .WithSummary("GovStack exists: whether a record matches query.content, without returning it.");
        data.MapGet("/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}", ReadValueAsync).WithName("GovStackReadValue")
            .WithSummary("GovStack readValue: one field of one record, by primary key.");
    }

    public static async Task<IResult> ListAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate,
        HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        var (request, problem) = await gate.OpenAsync(http, registryName, versionNumber, RegistryOperations.Read, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var schema = request.Schema;
        var parameters = http.Request.Query;
        var errors = new Dictionary<string, string[]>();
        var page = Integer(parameters, "page", 1, 1, int.MaxValue, errors);
        var pageSize = Integer(parameters, "pageSize", 10, 1, MaxPageSize, errors);
        var filter = parameters["filter"].ToString();
        if (filter.Length > 0 && !schema.HasField(filter))
        {
            errors["filter"] = ["unknown:" + filter];
        }
        Regex? search = null;
        if (parameters["search"].ToString() is { Length: > 0 } pattern)
        {
            try
            {
                search = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, SearchTimeout);
            }
            catch (ArgumentException)
            {
                errors["search"] = ["regex"];
            }
        }
        var ordering = parameters["ordering"].ToString();
        var orderField = ordering.TrimStart('-');
        var descending = ordering is "descending" || ordering.StartsWith('-');
        if (ordering is "ascending" or "descending" or "")
        {
            orderField = schema.PrimaryKey;
        }
        else if (!schema.HasField(orderField))
        {
            errors["ordering"] = ["one-of:ascending|descending|<field>|-<field>"];
        }
        var query = new JsonObject();
        foreach (var (name, value) in parameters.Where(p => p.Key.StartsWith("query.", StringComparison.Ordinal)))
        {
            var field = name["query.".Length..];
            if (!schema.HasField(field))
            {
                errors[name] = ["unknown"];
                continue;
            }
            query[field] = value.ToString();
        }
        if (errors.Count > 0)
        {
            return RegistryErrors.Fields(errors);
        }

        List<(HostedRecord Record, JsonObject Content)> found;
        try
        {
            found = (await RecordChanges.MatchAsync(db, request.Registry, schema, new JsonObject(), tracked: false, cancellationToken))
                .Where(r => query.All(q => Text(r.Content[q.Key]) == q.Value!.GetValue<string>()))
                .Where(r => search is null || r.Content.Where(p => filter.Length == 0 || p.Key == filter).Any(p => search.IsMatch(Text(p.Value) ?? "")))
                .ToList();
        }
        catch (RegexMatchTimeoutException)
        {
            return RegistryErrors.Field("search", "regex:too-slow");
        }
        var ordered = descending
            ? found.OrderByDescending(r => Text(r.Content[orderField]), StringComparer.Ordinal)
            : found.OrderBy(r => Text(r.Content[orderField]), StringComparer.Ordinal);
        var results = ordered.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).ToList();
        await gate.RecordReadAsync(http, request, results.Select(r => (r.Record, r.Content.Select(p => p.Key))), AccessRecorder.Lookup, cancellationToken);
        return TypedResults.Ok(new JsonObject
        {
            ["count"] = found.Count,
            ["next"] = (long)page * pageSize < found.Count ? PageUri(http, page + 1) : null,
            ["previous"] = page > 1 ? PageUri(http, page - 1) : null,
            ["results"] = new JsonArray([.. results.Select(r => (JsonNode)r.Content)]),
        });
    }

    public static async Task<IResult> ReadAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate,
        HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        var (request, query, problem) = await OpenQueryAsync(http, gate, registryName, versionNumber, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var found = await RecordChanges.MatchAsync(db, request.Registry, request.Schema, query!, tracked: false, cancellationToken);
        if (found.Count == 0)
        {
            return RegistryErrors.Problem(RegistryErrors.NoRecord);
        }
        // GovStack's read returns one record: the first by primary key when the query matches several.
        var (record, content) = found[0];
        await gate.RecordReadAsync(http, request, [(record, content.Select(p => p.Key))], AccessRecorder.Lookup, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["content"] = content });
    }

    public static async Task<IResult> ExistsAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate,
        HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        var (request, query, problem) = await OpenQueryAsync(http, gate, registryName, versionNumber, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var found = await RecordChanges.MatchAsync(db, request.Registry, request.Schema, query!, tracked: false, cancellationToken);
        await gate.RecordReadAsync(http, request, found.Select(f => (f.Record, query!.Select(p => p.Key))), AccessRecorder.Verification, cancellationToken);
        return TypedResults.Ok(new JsonObject
        {
            ["answer"] = new JsonObject
            {
                ["status"] = found.Count > 0,
                ["message"] = found.Count > 0 ? "Object found from database" : "Object not found from database",
            },
        });
    }

    public static async Task<IResult> ReadValueAsync(string registryName, string versionNumber, string uuid, string field, string ext, HttpContext http,
        RegistryGate gate, HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        var (request, problem) = await gate.OpenAsync(http, registryName, versionNumber, RegistryOperations.Read, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var errors = new Dictionary<string, string[]>();
        if (!request.Schema.HasField(field))
        {
            errors["field"] = ["unknown:" + field];
        }
        if (ext != "json")
        {
            errors["ext"] = ["one-of:json"];
        }
        if (errors.Count > 0)
        {
            return RegistryErrors.Fields(errors);
        }
        var record = await db.Records.AsNoTracking().FirstOrDefaultAsync(r => r.RegistryId == request.Registry.Id && r.RecordKey == uuid, cancellationToken);
        if (record is null)
        {
            return RegistryErrors.Problem(RegistryErrors.NoRecord);
        }
        var value = RecordChanges.Content(record)[field];
        await gate.RecordReadAsync(http, request, [(record, [field])], AccessRecorder.Lookup, cancellationToken);
        return TypedResults.Ok(new JsonObject { ["value"] = value?.DeepClone() });
    }

    /// <summary>The gate for `read` and `exists`, and the body's query.content checked against the schema.</summary>
    private static async Task<(RegistryRequest? Request, JsonObject? Query, ProblemHttpResult? Problem)> OpenQueryAsync(HttpContext http, RegistryGate gate,
        string registryName, string versionNumber, CancellationToken cancellationToken)
    {
        var (request, problem) = await gate.OpenAsync(http, registryName, versionNumber, RegistryOperations.Read, cancellationToken);
        if (request is null)
        {
            return (null, null, problem);
        }
        var (body, bad) = await GovStackBody.ReadAsync(http.Request, cancellationToken);
        if (body is null)
        {
            return (null, null, bad);
        }
        var errors = new Dictionary<string, string[]>();
        var query = body.Content("query", required: true, errors);
        if (query is not null)
        {
            GovStackBody.Prefix("query", request.Schema.Validate(query, partial: true), errors);
        }
        return errors.Count > 0 ? (null, null, RegistryErrors.Fields(errors)) : (request, query, null);
    }

    private static int Integer(IQueryCollection query, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors[name] = [$"range:{min}-{max}"];
        return fallback;
    }

    /// <summary>A value as text for search, filter and ordering: strings as they are, other JSON as JSON.</summary>
    private static string? Text(JsonNode? node) =>
        node is null ? null : node is JsonValue v && v.TryGetValue(out string? s) ? s : node.ToJsonString();

    private static string PageUri(HttpContext http, int page)
    {
        var query = QueryString.Create(http.Request.Query.Where(p => p.Key != "page").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
            .Append(KeyValuePair.Create("page", (string?)page.ToString(CultureInfo.InvariantCulture))));
        return UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path, query);
    }
}
