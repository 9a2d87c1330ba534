using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// The GovStack Data API's writes: `create`, `update`, `updateEntries`, `updateOrCreate` and `delete`. Every record
/// written is valid against the registry's schema as a whole; a request changes all its records or none; each change
/// is audited with the caller, purpose, case reference, legal basis and the fields written.
/// </summary>
internal static class WriteRecords
{
    public static void Map(IEndpointRouteBuilder data)
    {
        data.MapPost("/{registryName}/{versionNumber}/create", CreateAsync).WithName("GovStackCreate").DisableAntiforgery()
            .WithSummary("GovStack create: a new record from write.content.");
        data.MapPut("/{registryName}/{versionNumber}/update", UpdateAsync).WithName("GovStackUpdate").DisableAntiforgery()
            .WithSummary("GovStack update: the one record matching query.content gets write.content's fields.");
        data.MapPut("/{registryName}/{versionNumber}/updateEntries", UpdateEntriesAsync).WithName("GovStackUpdateEntries").DisableAntiforgery()
            .WithSummary("GovStack updateEntries: every record matching query.content gets write.content's fields.");
        data.MapPost("/{registryName}/{versionNumber}/updateOrCreate", UpdateOrCreateAsync).WithName("GovStackUpdateOrCreate").DisableAntiforgery()
            .WithSummary("GovStack updateOrCreate: update the record matching query.content, or create it.");
        data.MapDelete("/{registryName}/{versionNumber}/{ID}/delete", DeleteAsync).WithName("GovStackDelete")
            .WithSummary("GovStack delete: the record with this primary key.");
    }

    public static async Task<IResult> CreateAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate, HostedRegistriesDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, _, write, problem) = await OpenAsync(http, gate, registryName, versionNumber, query: false, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        if (Check(request.Schema, write!, "write") is { } invalid)
        {
            return invalid;
        }
        var created = New(request, write!, clock);
        db.Records.Add(created);
        await RecordAsync(http, gate, db, request, created, "registry.record.created", write!, before: null, after: write!, previousSubject: null, clock);
        return await SaveAsync(db, cancellationToken) ?? TypedResults.Ok(new JsonObject { ["content"] = write!.DeepClone() });
    }

    public static async Task<IResult> UpdateAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate, HostedRegistriesDbContext db,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, query, write, problem) = await OpenAsync(http, gate, registryName, versionNumber, query: true, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var found = await RecordChanges.MatchAsync(db, request.Registry, request.Schema, query!, tracked: true, cancellationToken);
        if (found.Count != 1)
        {
            return found.Count == 0 ? RegistryErrors.Problem(RegistryErrors.NoRecord)
                : RegistryErrors.Problem(RegistryErrors.Conflict, new Dictionary<string, object?> { ["matches"] = found.Count });
        }
        var (updated, invalid) = await ChangeAsync(http, gate, db, request, found[0].Record, found[0].Content, write!, clock);
        return invalid ?? await SaveAsync(db, cancellationToken) ?? TypedResults.Ok(new JsonObject { ["content"] = updated });
    }

    public static async Task<IResult> UpdateEntriesAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate,
        HostedRegistriesDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, query, write, problem) = await OpenAsync(http, gate, registryName, versionNumber, query: true, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var found = await RecordChanges.MatchAsync(db, request.Registry, request.Schema, query!, tracked: true, cancellationToken);
        if (found.Count > 1 && write!.ContainsKey(request.Schema.PrimaryKey))
        {
            return RegistryErrors.Problem(RegistryErrors.Conflict, new Dictionary<string, object?> { ["matches"] = found.Count });
        }
        foreach (var (record, content) in found)
        {
            var (_, invalid) = await ChangeAsync(http, gate, db, request, record, content, write!, clock);
            if (invalid is not null)
            {
                return invalid;
            }
        }
        return await SaveAsync(db, cancellationToken) ?? TypedResults.Ok(new JsonObject { ["count"] = found.Count });
    }

    public static async Task<IResult> UpdateOrCreateAsync(string registryName, string versionNumber, HttpContext http, RegistryGate gate,
        HostedRegistriesDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, query, write, problem) = await OpenAsync(http, gate, registryName, versionNumber, query: true, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var found = await RecordChanges.MatchAsync(db, request.Registry, request.Schema, query!, tracked: true, cancellationToken);
        if (found.Count > 1)
        {
            return RegistryErrors.Problem(RegistryErrors.Conflict, new Dictionary<string, object?> { ["matches"] = found.Count });
        }
        if (found.Count == 1)
        {
            var (updated, invalid) = await ChangeAsync(http, gate, db, request, found[0].Record, found[0].Content, write!, clock);
            return invalid ?? await SaveAsync(db, cancellationToken) ?? TypedResults.Ok(new JsonObject { ["content"] = updated });
        }
        // Nothing matched: the new record is what the query looked for, with the written fields.
        var content = RecordChanges.Merge(query!, write!);
        if (Check(request.Schema, content, "write") is { } bad)
        {
            return bad;
        }
        var created = New(request, content, clock);
        db.Records.Add(created);
        await RecordAsync(http, gate, db, request, created, "registry.record.created", content, before: null, after: content, previousSubject: null, clock);
        return await SaveAsync(db, cancellationToken) ?? TypedResults.Ok(new JsonObject { ["content"] = content.DeepClone() });
    }

    public static async Task<IResult> DeleteAsync(string registryName, string versionNumber, string ID, HttpContext http, RegistryGate gate,
        HostedRegistriesDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, problem) = await gate.OpenAsync(http, registryName, versionNumber, RegistryOperations.Delete, cancellationToken);
        if (request is null)
        {
            return problem!;
        }
        var record = await db.Records.FirstOrDefaultAsync(r => r.RegistryId == request.Registry.Id && r.RecordKey == ID, cancellationToken);
        if (record is null)
        {
            return RegistryErrors.Problem(RegistryErrors.NoRecord);
        }
        db.Records.Remove(record);
        var content = RecordChanges.Content(record);
        await RecordAsync(http, gate, db, request, record, "registry.record.deleted", content, before: null, after: content, previousSubject: null, clock);
        return await SaveAsync(db, cancellationToken) ?? TypedResults.NoContent();
    }

    private static async Task<(JsonObject? Updated, ProblemHttpResult? Invalid)> ChangeAsync(HttpContext http, RegistryGate gate, HostedRegistriesDbContext db,
        RegistryRequest request, HostedRecord record, JsonObject content, JsonObject write, TimeProvider clock)
    {
        var merged = RecordChanges.Merge(content, write);
        if (Check(request.Schema, merged, "write") is { } invalid)
        {
            return (null, invalid);
        }
        var previousSubject = record.SubjectPersonalIdNumber;
        record.RecordKey = RecordChanges.KeyOf(request.Schema, merged).Key!;
        record.SubjectPersonalIdNumber = RecordChanges.SubjectOf(request.Schema, merged);
        record.Content = merged.ToJsonString();
        record.ModifiedAt = clock.GetUtcNow();
        record.Version++;
        await RecordAsync(http, gate, db, request, record, "registry.record.updated", write, before: content, after: merged, previousSubject, clock);
        return (merged, null);
    }

    private static HostedRecord New(RegistryRequest request, JsonObject content, TimeProvider clock) => new()
    {
        Id = Guid.CreateVersion7(clock.GetUtcNow()),
        RegistryId = request.Registry.Id,
        RecordKey = RecordChanges.KeyOf(request.Schema, content).Key!,
        SubjectPersonalIdNumber = RecordChanges.SubjectOf(request.Schema, content),
        Content = content.ToJsonString(),
        CreatedAt = clock.GetUtcNow(),
        ModifiedAt = clock.GetUtcNow(),
        Version = 1,
    };

    /// <summary>A whole record checked against the schema and its key; the 400 names each field under the part it came from.</summary>
    private static ProblemHttpResult? Check(RegistrySchema schema, JsonObject content, string part)
    {
        var errors = new Dictionary<string, string[]>();
        GovStackBody.Prefix(part, schema.Validate(content), errors);
        if (errors.Count == 0 && RecordChanges.KeyOf(schema, content).Errors is { } keyErrors)
        {
            GovStackBody.Prefix(part, keyErrors, errors);
        }
        return errors.Count > 0 ? RegistryErrors.Fields(errors) : null;
    }

    private static async Task RecordAsync(HttpContext http, RegistryGate gate, HostedRegistriesDbContext db, RegistryRequest request, HostedRecord record,
        string action, JsonObject written, JsonObject? before, JsonObject after, string? previousSubject, TimeProvider clock)
    {
        var caller = request.Caller;
        var current = await gate.CitizenAsync(record.SubjectPersonalIdNumber, http.RequestAborted);
        var previous = previousSubject == record.SubjectPersonalIdNumber ? null : await gate.CitizenAsync(previousSubject, http.RequestAborted);
        RecordChanges.Record(db, new RecordWriter($"member:{caller.Member.Identifier}", caller.Member, caller.Purpose, request.LegalBasis,
                caller.CaseReference, http.TraceIdentifier), action, request.Registry, record, new RecordSubjects(current, previous),
            written.Select(p => p.Key), RecordChanges.Changed(before, after), clock.GetUtcNow());
    }

    /// <summary>Saves the request's changes and their audit records together; a duplicate key or a concurrent change is a 409, nothing written.</summary>
    private static async Task<IResult?> SaveAsync(HostedRegistriesDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            return RegistryErrors.Problem(RegistryErrors.Conflict);
        }
    }

    private static async Task<(RegistryRequest? Request, JsonObject? Query, JsonObject? Write, ProblemHttpResult? Problem)> OpenAsync(HttpContext http,
        RegistryGate gate, string registryName, string versionNumber, bool query, CancellationToken cancellationToken)
    {
        var (request, problem) = await gate.OpenAsync(http, registryName, versionNumber, RegistryOperations.Write, cancellationToken);
        if (request is null)
        {
            return (null, null, null, problem);
        }
        var (body, bad) = await GovStackBody.ReadAsync(http.Request, cancellationToken);
        if (body is null)
        {
            return (null, null, null, bad);
        }
        var errors = new Dictionary<string, string[]>();
        var write = body.Content("write", required: true, errors);
        // The specification makes query optional for update: without it the record is found by write's primary key.
        var find = query ? body.Content("query", required: false, errors) : null;
        if (query && find is null && errors.Count == 0)
        {
            if (write![request.Schema.PrimaryKey] is not { } key)
            {
                errors["query.content"] = ["required"];
            }
            else
            {
                find = new JsonObject { [request.Schema.PrimaryKey] = key.DeepClone() };
            }
        }
        if (find is not null)
        {
            GovStackBody.Prefix("query", request.Schema.Validate(find, partial: true), errors);
        }
        if (write is not null)
        {
            // create's write.content is the whole record, so its missing required fields are named with the other errors.
            GovStackBody.Prefix("write", request.Schema.Validate(write, partial: query), errors);
        }
        return errors.Count > 0 ? (null, null, null, RegistryErrors.Fields(errors)) : (request, find, write, null);
    }
}
