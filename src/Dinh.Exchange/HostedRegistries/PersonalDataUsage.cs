using System.Text.Json.Nodes;
using Dinh.Exchange.Access;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// GovStack's MyPersonalDataUsage: who read a citizen's records in one hosted registry, from the same access log
/// the citizen's "who used my data" page shows. The caller is a member system acting for the citizen (typically
/// the registry owner's own portal) with the `usage` operation on the registry; the answer itself is audited.
/// </summary>
internal static class PersonalDataUsage
{
    public const int MaxEntries = 500;

    public static void Map(IEndpointRouteBuilder data)
    {
        data.MapGet("/myPersonalDataUsage", HandleAsync).WithName("GovStackMyPersonalDataUsage")
            .WithSummary("GovStack MyPersonalDataUsage: who read this person's records in this registry.");
    }

    public static async Task<IResult> HandleAsync([FromQuery] string? userId, [FromQuery] string? databaseId, HttpContext http, RegistryCallers callers,
        RegistryGate gate, HostedRegistriesDbContext db, ExchangeDbContext exchange, PersonRecords persons, AccessRecorder recorder,
        CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var errors = new Dictionary<string, string[]>();
        if (!PersonalIdNumber.TryParse(userId, out _))
        {
            errors["userId"] = [string.IsNullOrEmpty(userId) ? "required" : "format:personal-id-number"];
        }
        if (string.IsNullOrEmpty(databaseId))
        {
            errors["databaseId"] = ["required"];
        }
        if (errors.Count > 0)
        {
            return RegistryErrors.Fields(errors);
        }
        var registry = await db.Registries.AsNoTracking().Where(r => r.Code == databaseId).OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (await RegistryAccess.AllowsAsync(db, databaseId!, registry, caller, RegistryOperations.Usage, cancellationToken) is not { } legalBasis)
        {
            return await gate.RefuseAsync(http, caller, databaseId!, RegistryOperations.Usage, cancellationToken);
        }
        if (registry is null)
        {
            return RegistryErrors.Problem(RegistryErrors.RegistryNotFound);
        }
        if (await persons.FindByNumberAsync(userId, cancellationToken) is not { } person)
        {
            return RegistryErrors.Problem(RegistryErrors.PersonUnknown);
        }
        var entries = await ForCitizenAsync(exchange, db, person.CitizenId, databaseId, withChanges: false, cancellationToken);
        // The answer is personal data too (who looked at the citizen): its release is audited, not logged as a read.
        recorder.Record(caller.Member, null, AccessRecorder.Lookup, "registry.usage.read", caller.Purpose, caller.CaseReference,
            [$"{databaseId}:myPersonalDataUsage", $"citizen:{person.CitizenId}"], legalBasis, http.TraceIdentifier);
        await exchange.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new JsonArray([.. entries.Select(View)]));
    }

    /// <summary>
    /// The reads and checks of a citizen's records in hosted registries (one registry, or all when
    /// <paramref name="registryCode"/> is null), and with <paramref name="withChanges"/> their creations, updates and
    /// deletions too, newest first, at most <see cref="MaxEntries"/>: for GovStack's MyPersonalDataUsage (reads only:
    /// the specification's answer is about readers) and for the citizen's own page (everything). An access-log entry
    /// of a hosted record starts with `CODE/KEY` (<see cref="RegistryGate.AccessFields"/>); a registry since deleted is
    /// named by its code (its name went with it).
    /// </summary>
    public static async Task<IReadOnlyList<RegistryUse>> ForCitizenAsync(ExchangeDbContext exchange, HostedRegistriesDbContext db, Guid citizenId,
        string? registryCode, bool withChanges, CancellationToken cancellationToken)
    {
        string[] kinds = withChanges ? [AccessRecorder.Lookup, AccessRecorder.Verification, .. AccessRecorder.RecordChanges]
            : [AccessRecorder.Lookup, AccessRecorder.Verification];
        var names = (await db.Registries.AsNoTracking().Where(r => registryCode == null || r.Code == registryCode)
                .Select(r => new { r.Code, r.Name }).ToListAsync(cancellationToken))
            .GroupBy(r => r.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var prefix = registryCode + "/";
        var entries = await exchange.AccessLog.AsNoTracking()
            .Where(e => e.CitizenId == citizenId && kinds.Contains(e.Kind) && (registryCode == null || e.Fields.StartsWith(prefix)))
            .ToListAsync(cancellationToken);
        // Ordered here: SQLite cannot order by a DateTimeOffset column; one person's entries are few.
        var uses = new List<RegistryUse>();
        foreach (var entry in entries.OrderByDescending(e => e.At))
        {
            var fields = entry.Fields.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var slash = fields.Length == 0 ? -1 : fields[0].IndexOf('/', StringComparison.Ordinal);
            // A lookup's or verification's entry starts with a plain field name (no '/'): not a hosted record.
            if (slash > 0)
            {
                var code = fields[0][..slash];
                uses.Add(new RegistryUse(entry, code, names.GetValueOrDefault(code) ?? code, fields[0][(slash + 1)..], fields[1..]));
            }
            if (uses.Count == MaxEntries)
            {
                break;
            }
        }
        return uses;
    }

    // readerId is the reading member system: Dinh's members are systems, the officer behind a call is the member's to log.
    private static JsonNode View(RegistryUse use)
    {
        var entry = use.Entry;
        var parts = entry.MemberIdentifier.Split('/');
        return new JsonObject
        {
            ["id"] = entry.Id.ToString(),
            ["readerId"] = entry.MemberIdentifier,
            ["readerInstitutionId"] = string.Join('/', parts.Take(3)),
            ["readerInstitutionName"] = entry.MemberName,
            ["readerApplicationName"] = parts.Length == 4 ? parts[3] : entry.MemberIdentifier,
            ["searchDateTime"] = entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["refrences"] = new JsonArray(new JsonObject { ["ReferenceID"] = use.Reference }),
            ["purpose"] = entry.Purpose,
            ["caseReference"] = entry.CaseReference,
            ["fields"] = new JsonArray([.. use.Fields.Select(f => (JsonNode)f)]),
            ["kind"] = entry.Kind,
        };
    }
}

/// <summary>One read or check of a citizen's record in a hosted registry: the access-log entry, the registry and the record.</summary>
internal sealed record RegistryUse(AccessLogEntry Entry, string RegistryCode, string RegistryName, string Reference, IReadOnlyList<string> Fields);
