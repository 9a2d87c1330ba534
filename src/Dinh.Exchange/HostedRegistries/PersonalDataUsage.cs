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
        var prefix = databaseId + "/";
        var entries = await exchange.AccessLog.AsNoTracking()
            .Where(e => e.CitizenId == person.CitizenId && (e.Kind == AccessRecorder.Lookup || e.Kind == AccessRecorder.Verification)
                && e.Fields.StartsWith(prefix))
            .ToListAsync(cancellationToken);
        // Ordered here: SQLite cannot order by a DateTimeOffset column; one person's entries in one registry are few.
        entries = [.. entries.OrderByDescending(e => e.At).Take(MaxEntries)];
        // The answer is personal data too (who looked at the citizen): its release is audited, not logged as a read.
        recorder.Record(caller.Member, null, AccessRecorder.Lookup, "registry.usage.read", caller.Purpose, caller.CaseReference,
            [$"{databaseId}:myPersonalDataUsage", $"citizen:{person.CitizenId}"], legalBasis, http.TraceIdentifier);
        await exchange.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new JsonArray([.. entries.Select(View)]));
    }

    // readerId is the reading member system: Dinh's members are systems, the officer behind a call is the member's to log.
    private static JsonNode View(AccessLogEntry entry)
    {
        var parts = entry.MemberIdentifier.Split('/');
        var fields = entry.Fields.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new JsonObject
        {
            ["id"] = entry.Id.ToString(),
            ["readerId"] = entry.MemberIdentifier,
            ["readerInstitutionId"] = string.Join('/', parts.Take(3)),
            ["readerInstitutionName"] = entry.MemberName,
            ["readerApplicationName"] = parts.Length == 4 ? parts[3] : entry.MemberIdentifier,
            ["searchDateTime"] = entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["refrences"] = new JsonArray(new JsonObject { ["ReferenceID"] = fields[0][(fields[0].IndexOf('/', StringComparison.Ordinal) + 1)..] }),
            ["purpose"] = entry.Purpose,
            ["caseReference"] = entry.CaseReference,
            ["fields"] = new JsonArray([.. fields.Skip(1).Select(f => (JsonNode)f)]),
            ["kind"] = entry.Kind,
        };
    }
}
