using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>What a load did, or the errors (each `file:line: field 'path': error`) that stopped it before anything was written.</summary>
internal sealed record LoadResult(string? Registry, int Created, int Updated, int Unchanged, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public static LoadResult Failed(params string[] errors) => new(null, 0, 0, 0, errors);
}

/// <summary>
/// `dinh registries load DIR`: a registry from a directory (docs/hosted-registries.md): `registry.json` (code,
/// version, name, owner member, institution, legal basis), `schema.json` (the GovStack schema) and `records.jsonl`
/// (one record per line). Everything is checked before anything is written, and written in one transaction; a
/// re-run changes only what differs (an unchanged record is not rewritten nor audited again). Records missing from
/// the file are left as they are: the loader adds and updates, it never deletes.
/// </summary>
internal sealed class RegistryLoader(HostedRegistriesDbContext db, ExchangeDbContext exchange, PersonRecords persons, TimeProvider clock)
{
    public const string Actor = "system:registry-loader";
    public const string Purpose = "registry-load";
    private const int MaxErrors = 20;

    public async Task<LoadResult> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return LoadResult.Failed($"{directory}: no such directory");
        }
        var (definitionJson, definitionError) = await ReadObjectAsync(directory, "registry.json", cancellationToken);
        var (schemaJson, schemaError) = await ReadObjectAsync(directory, "schema.json", cancellationToken);
        if (definitionJson is null || schemaJson is null)
        {
            return LoadResult.Failed([.. new[] { definitionError, schemaError }.OfType<string>()]);
        }
        var errors = new List<string>();
        string Field(string name, bool required = true)
        {
            if (definitionJson[name] is JsonValue v && v.TryGetValue(out string? text) && text.Trim().Length > 0)
            {
                return text.Trim();
            }
            if (required || definitionJson[name] is not null)
            {
                errors.Add($"registry.json: field '{name}': {(definitionJson[name] is null ? "required" : "type:string")}");
            }
            return "";
        }
        var code = Field("code");
        var version = Field("version");
        var name = Field("name");
        var owner = Field("owner");
        var institution = Field("institution");
        var legalBasis = Field("legalBasis");
        var group = Field("groupName", required: false);
        var description = Field("description", required: false);
        var ownerMember = owner.Length == 0 ? null : await exchange.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Identifier == owner, cancellationToken);
        var ownerId = ownerMember?.Id;
        if (owner.Length > 0 && ownerId is null)
        {
            errors.Add($"registry.json: field 'owner': no member '{owner}' (register it with `dinh members add`)");
        }
        var (schema, schemaErrors) = RegistrySchema.Parse(schemaJson);
        errors.AddRange(schemaErrors.Select(e => $"schema.json: field '{e.Key}': {string.Join(", ", e.Value)}"));
        if (errors.Count > 0 || schema is null)
        {
            return LoadResult.Failed([.. errors]);
        }

        var records = await ReadRecordsAsync(directory, schema, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return LoadResult.Failed([.. errors.Take(MaxErrors)]);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var definition = new RegistryDefinition(code, version, name, group.Length > 0 ? group : null, description.Length > 0 ? description : null,
            institution, legalBasis, ownerId!.Value, schemaJson);
        var (registry, invalid, _) = await RegistryDefinitions.StageAsync(db, definition, Actor, Purpose, null, clock, cancellationToken);
        if (registry is null)
        {
            return LoadResult.Failed([.. invalid.Select(e => $"schema.json: {e.Key}: {string.Join(", ", e.Value)}")]);
        }
        await db.SaveChangesAsync(cancellationToken);

        var held = await db.Records.Where(r => r.RegistryId == registry.Id).ToDictionaryAsync(r => r.RecordKey, StringComparer.Ordinal, cancellationToken);
        int created = 0, updated = 0, unchanged = 0;
        var now = clock.GetUtcNow();
        // The citizen's page names the owner, on whose behalf (and under whose registry's legal basis) the operator loads.
        var writer = new RecordWriter(Actor, ownerMember, Purpose, registry.LegalBasis, null, null);
        foreach (var (key, content) in records)
        {
            string action;
            JsonObject? before = null;
            string? previousSubject = null;
            if (!held.TryGetValue(key, out var record))
            {
                record = new HostedRecord
                {
                    Id = Guid.CreateVersion7(now), RegistryId = registry.Id, RecordKey = key, SubjectPersonalIdNumber = RecordChanges.SubjectOf(schema, content),
                    Content = content.ToJsonString(), CreatedAt = now, ModifiedAt = now, Version = 1,
                };
                db.Records.Add(record);
                action = "registry.record.created";
                created++;
            }
            else if (JsonNode.DeepEquals(RecordChanges.Content(record), content))
            {
                unchanged++;
                continue;
            }
            else
            {
                before = RecordChanges.Content(record);
                previousSubject = record.SubjectPersonalIdNumber;
                record.Content = content.ToJsonString();
                record.SubjectPersonalIdNumber = RecordChanges.SubjectOf(schema, content);
                record.ModifiedAt = now;
                record.Version++;
                action = "registry.record.updated";
                updated++;
            }
            var current = await RecordChanges.CitizenAsync(persons, record.SubjectPersonalIdNumber, cancellationToken);
            var previous = before is null || previousSubject == record.SubjectPersonalIdNumber ? null
                : await RecordChanges.CitizenAsync(persons, previousSubject, cancellationToken);
            RecordChanges.Record(db, writer, action, registry, record, new RecordSubjects(current, previous), content.Select(p => p.Key),
                RecordChanges.Changed(before, content), now);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LoadResult($"{registry.Code}/{registry.Version}", created, updated, unchanged, []);
    }

    private static async Task<List<(string Key, JsonObject Content)>> ReadRecordsAsync(string directory, RegistrySchema schema, List<string> errors,
        CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, "records.jsonl");
        var records = new List<(string, JsonObject)>();
        if (!File.Exists(path))
        {
            return records;
        }
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException ex)
            {
                errors.Add($"records.jsonl:{number}: invalid JSON ({ex.Message})");
                continue;
            }
            if (node is not JsonObject content)
            {
                errors.Add($"records.jsonl:{number}: a record is a JSON object");
                continue;
            }
            var problems = schema.Validate(content);
            var (key, keyErrors) = RecordChanges.KeyOf(schema, content);
            foreach (var (field, keys) in problems.Count > 0 ? problems : keyErrors ?? [])
            {
                errors.Add($"records.jsonl:{number}: field '{field}': {string.Join(", ", keys)}");
            }
            if (key is null || problems.Count > 0)
            {
                continue;
            }
            if (lines.TryGetValue(key, out var first))
            {
                errors.Add($"records.jsonl:{number}: field '{schema.PrimaryKey}': duplicate of line {first}");
                continue;
            }
            lines[key] = number;
            records.Add((key, content));
        }
        return records;
    }

    private static async Task<(JsonObject? Json, string? Error)> ReadObjectAsync(string directory, string file, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            return (null, $"{file}: missing");
        }
        try
        {
            return JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken)) is JsonObject json ? (json, null) : (null, $"{file}: a JSON object is expected");
        }
        catch (JsonException ex)
        {
            return (null, $"{file}: invalid JSON ({ex.Message})");
        }
    }
}
