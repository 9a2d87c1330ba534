using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>What defines a registry, from the Database API's `modify` or from a directory's registry.json.</summary>
internal sealed record RegistryDefinition(string Code, string Version, string Name, string? GroupName, string? Description, string Institution,
    string LegalBasis, Guid OwnerMemberId, JsonObject Schema);

/// <summary>
/// Creating and changing registry schemas, for the Database API and the loader alike. A schema change is refused
/// while a record held would not be valid under it: records never go stale against their schema.
/// </summary>
internal static class RegistryDefinitions
{
    public static bool IsCode(string? code) =>
        code is { Length: > 0 and <= 40 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool IsVersion(string? version) =>
        version is { Length: > 0 and <= 20 } && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>
    /// Stages the registry (new or changed) and its audit record in <paramref name="db"/>; the caller saves. Returns
    /// the registry, or the errors (path → keys) and whether they are a conflict with records held.
    /// </summary>
    public static async Task<(HostedRegistry? Registry, Dictionary<string, string[]> Errors, bool Conflict)> StageAsync(HostedRegistriesDbContext db,
        RegistryDefinition definition, string actor, string purpose, string? requestId, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsCode(definition.Code))
        {
            errors["code"] = ["format:[A-Za-z0-9_-]{1,40}"];
        }
        if (!IsVersion(definition.Version))
        {
            errors["version"] = ["format:[A-Za-z0-9._-]{1,20}"];
        }
        if (definition.Name.Length is 0 or > 200)
        {
            errors["name"] = ["length:1-200"];
        }
        if (definition.LegalBasis.Length is 0 or > 300)
        {
            errors["legalBasis"] = ["length:1-300"];
        }
        var (schema, schemaErrors) = RegistrySchema.Parse(definition.Schema);
        foreach (var (path, keys) in schemaErrors)
        {
            errors[path] = keys;
        }
        if (errors.Count > 0 || schema is null)
        {
            return (null, errors, false);
        }
        var registry = await db.Registries.FirstOrDefaultAsync(r => r.Code == definition.Code && r.Version == definition.Version, cancellationToken);
        var text = definition.Schema.ToJsonString();
        var now = clock.GetUtcNow();
        string action;
        if (registry is null)
        {
            registry = new HostedRegistry
            {
                Code = definition.Code, Version = definition.Version, Name = definition.Name, GroupName = definition.GroupName,
                Description = definition.Description, Institution = definition.Institution, LegalBasis = definition.LegalBasis,
                OwnerMemberId = definition.OwnerMemberId, Schema = text, CreatedAt = now, ModifiedAt = now, ModifiedBy = actor,
            };
            db.Registries.Add(registry);
            action = "registry.schema.created";
        }
        else
        {
            if (registry.Schema != text)
            {
                var stale = new Dictionary<string, string[]>();
                await foreach (var record in db.Records.AsNoTracking().Where(r => r.RegistryId == registry.Id).OrderBy(r => r.RecordKey)
                    .AsAsyncEnumerable().WithCancellation(cancellationToken))
                {
                    var content = RecordChanges.Content(record);
                    var problems = schema.Validate(content);
                    var key = RecordChanges.KeyOf(schema, content);
                    if (problems.Count > 0 || key.Key != record.RecordKey)
                    {
                        stale[$"records.{record.RecordKey}"] = [.. (problems.Count > 0 ? problems : key.Errors ?? new() { [schema.PrimaryKey] = ["changed"] })
                            .Select(p => $"{p.Key}:{string.Join(',', p.Value)}")];
                        if (stale.Count >= 20)
                        {
                            break;
                        }
                    }
                }
                if (stale.Count > 0)
                {
                    return (null, stale, true);
                }
            }
            if (registry.Schema == text && registry.Name == definition.Name && registry.GroupName == definition.GroupName
                && registry.Description == definition.Description && registry.Institution == definition.Institution
                && registry.LegalBasis == definition.LegalBasis && registry.OwnerMemberId == definition.OwnerMemberId)
            {
                return (registry, errors, false);
            }
            registry.Schema = text;
            registry.Name = definition.Name;
            registry.GroupName = definition.GroupName;
            registry.Description = definition.Description;
            registry.Institution = definition.Institution;
            registry.LegalBasis = definition.LegalBasis;
            registry.OwnerMemberId = definition.OwnerMemberId;
            registry.ModifiedAt = now;
            registry.ModifiedBy = actor;
            action = "registry.schema.modified";
        }
        db.Audit(new AuditEvent(actor, action, purpose)
        {
            Subject = $"hosted-registry:{definition.Code}/{definition.Version}",
            LegalBasis = definition.LegalBasis,
            RequestId = requestId,
            Details = JsonSerializer.Serialize(new { name = definition.Name, owner = definition.OwnerMemberId, fields = string.Join(' ', schema.FieldNames) }),
        });
        return (registry, errors, false);
    }
}
