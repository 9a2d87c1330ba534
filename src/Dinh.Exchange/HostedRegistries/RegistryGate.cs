using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>A request that passed the gate: who asks, the registry, its schema and the legal basis of the operation.</summary>
internal sealed record RegistryRequest(Caller Caller, HostedRegistry Registry, RegistrySchema Schema, string LegalBasis);

/// <summary>
/// Every GovStack data call goes through here, in this order: the caller (token or trusted gateway, purpose, case),
/// the caller's right to the operation on the registry code (refusals are audited), then the registry itself.
/// It also records what was read: each record tied to a citizen goes to that citizen's access log.
/// </summary>
internal sealed class RegistryGate(RegistryCallers callers, HostedRegistriesDbContext db, ExchangeDbContext exchange, AccessRecorder recorder,
    PersonRecords persons)
{
    public async Task<(RegistryRequest? Request, ProblemHttpResult? Problem)> OpenAsync(HttpContext http, string code, string version, string operation,
        CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return (null, problem);
        }
        var registry = await db.Registries.AsNoTracking().FirstOrDefaultAsync(r => r.Code == code && r.Version == version, cancellationToken);
        if (await RegistryAccess.AllowsAsync(db, code, registry, caller, operation, cancellationToken) is not { } legalBasis)
        {
            return (null, await RefuseAsync(http, caller, code, operation, cancellationToken));
        }
        if (registry is null)
        {
            return (null, RegistryErrors.Problem(RegistryErrors.RegistryNotFound));
        }
        return (new RegistryRequest(caller, registry, RegistrySchema.Load(registry.Schema), legalBasis), null);
    }

    public async Task<ProblemHttpResult> RefuseAsync(HttpContext http, Caller caller, string code, string operation, CancellationToken cancellationToken)
    {
        recorder.Record(caller.Member, null, AccessRecorder.Refused, "registry.refused", caller.Purpose, caller.CaseReference, [$"{code}:{operation}"], "-",
            http.TraceIdentifier, RegistryErrors.NoGrant.Code);
        await exchange.SaveChangesAsync(cancellationToken);
        return RegistryErrors.Problem(RegistryErrors.NoGrant);
    }

    /// <summary>
    /// Records the release of these records (or, for `exists`, the comparison of these fields): in the audit trail,
    /// and for a record tied to a citizen in the citizen's access log too, as `CODE/KEY field field…`.
    /// </summary>
    public async Task RecordReadAsync(HttpContext http, RegistryRequest request, IEnumerable<(HostedRecord Record, IEnumerable<string> Fields)> reads,
        string kind, CancellationToken cancellationToken)
    {
        foreach (var (record, fields) in reads)
        {
            var citizenId = record.SubjectPersonalIdNumber is { } number ? (await persons.FindByNumberAsync(number, cancellationToken))?.CitizenId : null;
            recorder.Record(request.Caller.Member, citizenId, kind, kind == AccessRecorder.Verification ? "registry.record.checked" : "registry.record.read",
                request.Caller.Purpose, request.Caller.CaseReference, AccessFields(request.Registry, record.RecordKey, fields), request.LegalBasis,
                http.TraceIdentifier);
        }
        await exchange.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The access log's field list for a hosted record: the record first, so MyPersonalDataUsage can find and name it.</summary>
    public static IEnumerable<string> AccessFields(HostedRegistry registry, string key, IEnumerable<string> fields)
    {
        var list = new List<string> { $"{registry.Code}/{key}" };
        var length = list[0].Length;
        foreach (var field in fields)
        {
            length += field.Length + 1;
            if (length > 1000)
            {
                break;
            }
            list.Add(field);
        }
        return list;
    }

    /// <summary>The citizen a personal ID number names, if any: the one a record is about.</summary>
    public async Task<Guid?> CitizenAsync(string? personalIdNumber, CancellationToken cancellationToken) =>
        await RecordChanges.CitizenAsync(persons, personalIdNumber, cancellationToken);
}

/// <summary>Writing records: validation, merge, matching and the audit record of each change, for the API and the loader alike.</summary>
internal static class RecordChanges
{
    public const int MaxKeyLength = 200;

    public static async Task<Guid?> CitizenAsync(PersonRecords persons, string? personalIdNumber, CancellationToken cancellationToken) =>
        personalIdNumber is null ? null : (await persons.FindByNumberAsync(personalIdNumber, cancellationToken))?.CitizenId;

    /// <summary>The primary key value of a valid record, or the error that makes it unusable as a key.</summary>
    public static (string? Key, Dictionary<string, string[]>? Errors) KeyOf(RegistrySchema schema, JsonObject content)
    {
        var key = content[schema.PrimaryKey] is JsonValue v && v.TryGetValue(out string? text) ? text : null;
        if (key is null)
        {
            return (null, new() { [schema.PrimaryKey] = ["required"] });
        }
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/'))
        {
            return (null, new() { [schema.PrimaryKey] = ["format:key"] });
        }
        return (key, null);
    }

    public static string? SubjectOf(RegistrySchema schema, JsonObject content) =>
        schema.PersonalIdField is { } field && content[field] is JsonValue v && v.TryGetValue(out string? number) ? number : null;

    /// <summary>The record with the written fields replaced (a JSON null removes a field).</summary>
    public static JsonObject Merge(JsonObject existing, JsonObject write)
    {
        var merged = existing.DeepClone().AsObject();
        foreach (var (name, value) in write)
        {
            if (value is null)
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value.DeepClone();
            }
        }
        return merged;
    }

    public static bool Matches(JsonObject record, JsonObject query) =>
        query.All(pair => JsonNode.DeepEquals(record[pair.Key], pair.Value));

    public static JsonObject Content(HostedRecord record) => JsonNode.Parse(record.Content)!.AsObject();

    /// <summary>
    /// The registry's records that match a query, tracked for change. A query naming the primary key or the
    /// personal ID field uses its index; any other query reads the registry's records (docs/hosted-registries.md).
    /// </summary>
    public static async Task<List<(HostedRecord Record, JsonObject Content)>> MatchAsync(HostedRegistriesDbContext db, HostedRegistry registry,
        RegistrySchema schema, JsonObject query, bool tracked, CancellationToken cancellationToken)
    {
        IQueryable<HostedRecord> records = db.Records.Where(r => r.RegistryId == registry.Id);
        if (query[schema.PrimaryKey] is JsonValue k && k.TryGetValue(out string? key))
        {
            records = records.Where(r => r.RecordKey == key);
        }
        else if (SubjectOf(schema, query) is { } number)
        {
            records = records.Where(r => r.SubjectPersonalIdNumber == number);
        }
        if (!tracked)
        {
            records = records.AsNoTracking();
        }
        return (await records.OrderBy(r => r.RecordKey).ToListAsync(cancellationToken))
            .Select(r => (r, Content(r))).Where(p => Matches(p.Item2, query)).ToList();
    }

    /// <summary>
    /// Records a change of a record: in the audit trail (the fields written), and, when the record is about a known
    /// citizen and a member made the change, in that citizen's access log too (`CODE/KEY` then the fields whose
    /// values changed), in the registry context's unit of work, so both commit with the change or not at all. The
    /// citizen whom an update took the record away from (a changed personal ID number) is told as well.
    /// </summary>
    public static void Record(HostedRegistriesDbContext db, RecordWriter writer, string action, HostedRegistry registry, HostedRecord record,
        RecordSubjects subjects, IEnumerable<string> written, IReadOnlyCollection<string> changed, DateTimeOffset at)
    {
        db.Audit(new AuditEvent(writer.Actor, action, writer.Purpose)
        {
            Subject = subjects.Current is { } citizen ? $"citizen:{citizen}" : $"hosted-record:{registry.Code}/{registry.Version}/{record.RecordKey}",
            LegalBasis = writer.LegalBasis,
            RequestId = writer.RequestId,
            Details = JsonSerializer.Serialize(new
            {
                writer.CaseReference, registry = $"{registry.Code}/{registry.Version}", key = record.RecordKey, fields = string.Join(' ', written),
            }),
        });
        if (writer.Member is not { } member || changed.Count == 0)
        {
            return;
        }
        var kind = action switch
        {
            "registry.record.created" => AccessRecorder.RecordCreated,
            "registry.record.deleted" => AccessRecorder.RecordDeleted,
            _ => AccessRecorder.RecordUpdated,
        };
        var fields = string.Join(' ', RegistryGate.AccessFields(registry, record.RecordKey, changed));
        foreach (var told in new[] { subjects.Current, subjects.Previous }.OfType<Guid>().Distinct())
        {
            db.AccessLog.Add(AccessLogEntry.Of(member, told, kind, writer.Purpose, writer.CaseReference, fields, at));
        }
    }

    /// <summary>The top-level fields whose values differ between two versions of a record (added, removed or changed).</summary>
    public static List<string> Changed(JsonObject? before, JsonObject after) =>
        [.. after.Select(p => p.Key).Union(before?.Select(p => p.Key) ?? [], StringComparer.Ordinal)
            .Where(name => before is null || !JsonNode.DeepEquals(before[name], after[name]))];
}

/// <summary>Who writes records and under what: the audit's actor, the member shown to the citizen (none for a system), purpose, basis, case.</summary>
internal sealed record RecordWriter(string Actor, Member? Member, string Purpose, string LegalBasis, string? CaseReference, string? RequestId);

/// <summary>The citizen a record is about after the change, and the one it was about before when that differs.</summary>
internal sealed record RecordSubjects(Guid? Current, Guid? Previous = null);
