using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Exchange.Access;
using Dinh.Platform.Auditing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// The GovStack Database API: `GET /databases`, `GET /database/{id}`, `DELETE /database/{id}` and
/// `POST /database/modify`. A registry's schema is its owner's (or a member's with the `schema` operation on the
/// code); creating a new registry through the API needs that grant, and makes the caller its owner.
/// </summary>
internal static class DatabaseApi
{
    private static readonly string[] SchemaRequired = ["creationDate", "description", "filename"];
    private const int CatalogueId = 1;
    private const string CatalogueCode = "DINH";
    private const string CatalogueName = "Dinh hosted registries";

    public static void Map(IEndpointRouteBuilder root)
    {
        root.MapGet("/databases", ListAsync).WithName("GovStackDatabases").WithTags("GovStack Database API")
            .WithSummary("GovStack databases: the registries the caller owns or holds a grant on, by group.");
        root.MapGet("/database/{id}", GetAsync).WithName("GovStackDatabase").WithTags("GovStack Database API")
            .WithSummary("GovStack database: one registry with its schema.");
        root.MapDelete("/database/{id}", DeleteAsync).WithName("GovStackDeleteDatabase").WithTags("GovStack Database API")
            .WithSummary("GovStack database delete: the registry, its schema and its records.");
        root.MapPost("/database/modify", ModifyAsync).WithName("GovStackModifyDatabase").WithTags("GovStack Database API").DisableAntiforgery()
            .WithSummary("GovStack database modify: create a registry or change its schema.");
    }

    public static async Task<IResult> ListAsync(HttpContext http, RegistryCallers callers, HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var granted = (await db.Grants.AsNoTracking().Where(g => g.MemberId == caller.Member.Id && g.RevokedAt == null).ToListAsync(cancellationToken))
            .Where(g => g.PurposeList.Contains(caller.Purpose)).Select(g => g.RegistryCode).ToHashSet(StringComparer.Ordinal);
        var registries = (await db.Registries.AsNoTracking().OrderBy(r => r.GroupName).ThenBy(r => r.Code).ThenBy(r => r.Version).ToListAsync(cancellationToken))
            .Where(r => r.OwnerMemberId == caller.Member.Id || granted.Contains(r.Code));
        // The specification answers with one databases group (`databasesSchema`, an object), not a list of groups. Dinh
        // has one catalogue per server: every registry the caller may see is in it, and each DatabaseInfo keeps its own
        // groupName. dataIndexIncrement is left out: Dinh numbers no records.
        return TypedResults.Ok(new JsonObject
        {
            ["id"] = CatalogueId,
            ["name"] = CatalogueName,
            ["code"] = CatalogueCode,
            ["databases"] = new JsonArray([.. registries.Select(Info)]),
            ["groupId"] = CatalogueId,
            ["order"] = 1,
        });
    }

    public static async Task<IResult> GetAsync(string id, HttpContext http, RegistryCallers callers, RegistryGate gate, HostedRegistriesDbContext db,
        CancellationToken cancellationToken)
    {
        var (caller, registry, problem) = await OpenAsync(id, http, callers, gate, db, cancellationToken);
        return caller is null ? problem! : TypedResults.Ok(Info(registry!));
    }

    public static async Task<IResult> DeleteAsync(string id, HttpContext http, RegistryCallers callers, RegistryGate gate, HostedRegistriesDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (caller, registry, problem) = await OpenAsync(id, http, callers, gate, db, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var records = await db.Records.CountAsync(r => r.RegistryId == registry!.Id, cancellationToken);
        // Each record about a citizen goes with its own audit record and an entry on that citizen's page; the rest are counted.
        var writer = new RecordWriter($"member:{caller.Member.Identifier}", caller.Member, caller.Purpose, registry!.LegalBasis, caller.CaseReference,
            http.TraceIdentifier);
        foreach (var record in await db.Records.AsNoTracking().Where(r => r.RegistryId == registry.Id && r.SubjectPersonalIdNumber != null)
                     .ToListAsync(cancellationToken))
        {
            var content = RecordChanges.Content(record);
            RecordChanges.Record(db, writer, "registry.record.deleted", registry, record,
                new RecordSubjects(await gate.CitizenAsync(record.SubjectPersonalIdNumber, cancellationToken)), content.Select(p => p.Key),
                RecordChanges.Changed(null, content), clock.GetUtcNow());
        }
        db.Registries.Remove(registry!);
        db.Audit(new AuditEvent($"member:{caller.Member.Identifier}", "registry.schema.deleted", caller.Purpose)
        {
            Subject = $"hosted-registry:{registry!.Code}/{registry.Version}",
            LegalBasis = registry.LegalBasis,
            RequestId = http.TraceIdentifier,
            Details = JsonSerializer.Serialize(new { caseReference = caller.CaseReference, recordsDeleted = records }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok("Success");
    }

    public static async Task<IResult> ModifyAsync(HttpContext http, RegistryCallers callers, RegistryGate gate, HostedRegistriesDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var (body, bad) = await GovStackBody.ReadAsync(http.Request, cancellationToken);
        if (body is null)
        {
            return bad!;
        }
        var json = body.Raw;
        var errors = new Dictionary<string, string[]>();
        var code = Text(json, "code", required: true, errors);
        var version = Text(json, "version", required: false, errors) ?? "1.0";
        // The specification's modify body marks no property required; a registry needs a code, and its name defaults to it.
        var name = Text(json, "catalogName", required: false, errors);
        var group = Text(json, "groupName", required: false, errors);
        var institution = Text(json, "institution", required: false, errors);
        var legalBasisText = Text(json, "legalBasis", required: false, errors);
        if (json["schema"] is not JsonObject schema)
        {
            errors["schema"] = [json["schema"] is null ? "required" : "type:object"];
            return RegistryErrors.Fields(errors);
        }
        // The specification requires these three in the schema object; Dinh keeps them with it and validates records by the rest.
        foreach (var required in SchemaRequired.Where(r => schema[r] is not JsonValue))
        {
            errors["schema." + required] = ["required"];
        }
        if (errors.Count > 0)
        {
            return RegistryErrors.Fields(errors);
        }
        var existing = await db.Registries.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code && r.Version == version, cancellationToken);
        if (await RegistryAccess.AllowsAsync(db, code!, existing, caller, RegistryOperations.Schema, cancellationToken) is not { } legalBasis)
        {
            return await gate.RefuseAsync(http, caller, code!, RegistryOperations.Schema, cancellationToken);
        }
        var definition = new RegistryDefinition(code!, version, name ?? existing?.Name ?? code!, group ?? existing?.GroupName, schema["description"]?.ToString(),
            institution ?? existing?.Institution ?? caller.Member.Name, legalBasisText ?? existing?.LegalBasis ?? legalBasis,
            existing?.OwnerMemberId ?? caller.Member.Id, schema);
        var (registry, invalid, conflict) = await RegistryDefinitions.StageAsync(db, definition, $"member:{caller.Member.Identifier}", caller.Purpose,
            http.TraceIdentifier, clock, cancellationToken);
        if (registry is null)
        {
            return conflict
                ? RegistryErrors.Problem(RegistryErrors.Conflict, new Dictionary<string, object?> { ["errors"] = invalid })
                : RegistryErrors.Fields(invalid);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return RegistryErrors.Problem(RegistryErrors.Conflict);
        }
        return TypedResults.Ok(JsonNode.Parse(registry.Schema));
    }

    private static async Task<(Caller? Caller, HostedRegistry? Registry, ProblemHttpResult? Problem)> OpenAsync(string id, HttpContext http,
        RegistryCallers callers, RegistryGate gate, HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return (null, null, problem);
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return (null, null, RegistryErrors.Field("id", "type:integer"));
        }
        var registry = await db.Registries.FirstOrDefaultAsync(r => r.Id == number, cancellationToken);
        // Without the registry there is no code to check a grant against: an unknown id is a 404 for everyone.
        if (registry is null)
        {
            return (null, null, RegistryErrors.Problem(RegistryErrors.RegistryNotFound));
        }
        if (await RegistryAccess.AllowsAsync(db, registry.Code, registry, caller, RegistryOperations.Schema, cancellationToken) is null)
        {
            return (null, null, await gate.RefuseAsync(http, caller, registry.Code, RegistryOperations.Schema, cancellationToken));
        }
        return (caller, registry, null);
    }

    private static string? Text(JsonObject json, string name, bool required, Dictionary<string, string[]> errors)
    {
        if (json[name] is null)
        {
            if (required)
            {
                errors[name] = ["required"];
            }
            return null;
        }
        if (json[name] is JsonValue v && v.TryGetValue(out string? text) && text.Trim().Length > 0)
        {
            return text.Trim();
        }
        errors[name] = ["type:string"];
        return null;
    }

    /// <summary>GovStack's DatabaseInfo, with the fields Dinh keeps; the others (logos, triggers' counters) do not exist here.</summary>
    private static JsonNode Info(HostedRegistry registry) => new JsonObject
    {
        ["id"] = registry.Id,
        ["version"] = registry.Version,
        ["name"] = registry.Code,
        ["catalogName"] = registry.Name,
        ["groupName"] = registry.GroupName,
        ["description"] = registry.Description,
        ["institution"] = registry.Institution,
        ["legalBasis"] = registry.LegalBasis,
        ["schema"] = JsonNode.Parse(registry.Schema),
        ["isDraft"] = false,
        ["isDisabled"] = false,
        ["isArchived"] = false,
        ["modifiedAt"] = registry.ModifiedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["byUserName"] = registry.ModifiedBy,
    };
}
