using System.Globalization;
using System.Text.Json.Nodes;
using Dinh.Exchange.HostedRegistries;
using Dinh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Contracts;

/// <summary>
/// The exchange's part of the answer to a citizen's data-subject access request (Law 91/2025/QH15): the sector
/// records agencies pushed about the citizen, the records agencies' hosted registries hold on them, the consents the
/// citizen gave (and withdrew), and the access log ("who used my data"), newest first. Reads only, unaudited: the
/// caller records the answer it gives. The portal calls it when an officer approves an access request.
/// </summary>
public sealed class PersonalDataHoldings(ExchangeDbContext exchange, HostedRegistriesDbContext registries)
{
    /// <summary>The access log is listed up to this many entries, newest first; the answer says how many there are in all.</summary>
    public const int MaxAccessLogEntries = 2000;

    /// <summary>Everything held, as JSON sections: sectorRecords, hostedRegistryRecords, consents, accessLog (and accessLogTotal).</summary>
    public async Task<JsonObject> ForCitizenAsync(Guid citizenId, IReadOnlyCollection<string> personalIdNumbers, CancellationToken cancellationToken)
    {
        var members = await exchange.Members.AsNoTracking().Select(m => new { m.Id, m.Identifier, m.Name })
            .ToDictionaryAsync(m => m.Id, cancellationToken);
        string MemberName(Guid id) => members.TryGetValue(id, out var m) ? m.Name : id.ToString();
        string MemberIdentifier(Guid id) => members.TryGetValue(id, out var m) ? m.Identifier : "";

        var sector = await exchange.SectorRecords.AsNoTracking().Where(r => r.CitizenId == citizenId).ToListAsync(cancellationToken);
        var numbers = personalIdNumbers.ToArray();
        var hosted = await (from r in registries.Records.AsNoTracking()
                            join g in registries.Registries.AsNoTracking() on r.RegistryId equals g.Id
                            where r.SubjectPersonalIdNumber != null && numbers.Contains(r.SubjectPersonalIdNumber)
                            select new { Record = r, g.Code, g.Version, g.Name, g.Institution, g.LegalBasis, g.OwnerMemberId }).ToListAsync(cancellationToken);
        var consents = await exchange.Consents.AsNoTracking().Where(c => c.CitizenId == citizenId).ToListAsync(cancellationToken);
        var total = await exchange.AccessLog.CountAsync(e => e.CitizenId == citizenId, cancellationToken);
        // Ids are UUID v7: ordered by time on both providers (SQLite cannot order by DateTimeOffset).
        var log = await exchange.AccessLog.AsNoTracking().Where(e => e.CitizenId == citizenId).OrderByDescending(e => e.Id)
            .Take(MaxAccessLogEntries).ToListAsync(cancellationToken);

        return new JsonObject
        {
            ["sectorRecords"] = new JsonArray([.. sector.OrderBy(r => r.RecordType, StringComparer.Ordinal).ThenBy(r => r.RecordNumber, StringComparer.Ordinal)
                .Select(r => (JsonNode)new JsonObject
                {
                    ["recordType"] = r.RecordType,
                    ["recordNumber"] = r.RecordNumber,
                    ["agency"] = MemberName(r.MemberId),
                    ["agencyIdentifier"] = MemberIdentifier(r.MemberId),
                    ["validFrom"] = Day(r.ValidFrom),
                    ["validUntil"] = Day(r.ValidUntil),
                    ["updatedAt"] = Time(r.UpdatedAt),
                    ["attributes"] = JsonNode.Parse(r.Attributes),
                })]),
            ["hostedRegistryRecords"] = new JsonArray([.. hosted.OrderBy(h => h.Code, StringComparer.Ordinal).ThenBy(h => h.Record.RecordKey, StringComparer.Ordinal)
                .Select(h => (JsonNode)new JsonObject
                {
                    ["registry"] = h.Name,
                    ["registryCode"] = $"{h.Code}/{h.Version}",
                    ["institution"] = h.Institution,
                    ["agencyIdentifier"] = MemberIdentifier(h.OwnerMemberId),
                    ["legalBasis"] = h.LegalBasis,
                    ["recordKey"] = h.Record.RecordKey,
                    ["createdAt"] = Time(h.Record.CreatedAt),
                    ["modifiedAt"] = Time(h.Record.ModifiedAt),
                    ["content"] = JsonNode.Parse(h.Record.Content),
                })]),
            ["consents"] = new JsonArray([.. consents.OrderBy(c => c.Id).Select(c => (JsonNode)new JsonObject
            {
                ["member"] = MemberName(c.MemberId),
                ["memberIdentifier"] = MemberIdentifier(c.MemberId),
                ["purpose"] = c.Purpose,
                ["givenAt"] = Time(c.GivenAt),
                ["withdrawnAt"] = c.WithdrawnAt is { } withdrawn ? Time(withdrawn) : null,
            })]),
            ["accessLogTotal"] = total,
            ["accessLog"] = new JsonArray([.. log.Select(e => (JsonNode)new JsonObject
            {
                ["at"] = Time(e.At),
                ["member"] = e.MemberName,
                ["memberIdentifier"] = e.MemberIdentifier,
                ["kind"] = e.Kind,
                ["purpose"] = e.Purpose,
                ["caseReference"] = e.CaseReference,
                ["fields"] = e.Fields,
            })]),
        };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
