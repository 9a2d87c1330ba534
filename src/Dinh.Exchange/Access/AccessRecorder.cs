using System.Text.Json;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Microsoft.Extensions.Options;

namespace Dinh.Exchange.Access;

/// <summary>
/// Records a use of a citizen's data twice, in the caller's unit of work: in the tamper-evident audit trail (the
/// evidence: member, purpose, case reference, fields, time, legal basis) and in the access log indexed by citizen
/// (the citizen's "who used my data" page reads only that). Both commit with the caller's SaveChangesAsync or not at all.
/// </summary>
internal sealed class AccessRecorder(ExchangeDbContext db, ReadAudit<ExchangeDbContext> reads, IOptions<ExchangeOptions> options, TimeProvider clock)
{
    public const string Lookup = "lookup";
    public const string Verification = "verification";
    public const string Event = "event";
    public const string Refused = "refused";
    public const string RecordWritten = "record";
    public const string RecordCreated = "record-created";
    public const string RecordUpdated = "record-updated";
    public const string RecordDeleted = "record-deleted";

    /// <summary>The kinds of a hosted-registry record's change (the citizen's page lists them with the reads of the registries).</summary>
    public static readonly IReadOnlyList<string> RecordChanges = [RecordCreated, RecordUpdated, RecordDeleted];

    /// <summary>True when the benchmark-only switch has turned recording of lookups and verifications off.</summary>
    public bool Skipping => options.Value.BenchmarkWithoutAudit;

    public void Record(Member member, Guid? citizenId, string kind, string action, string purpose, string? caseReference, IEnumerable<string> fields,
        string legalBasis, string? requestId, string? reason = null)
    {
        var (audit, entry) = Build(member, citizenId, kind, action, purpose, caseReference, fields, legalBasis, requestId, reason);
        db.Audit(audit);
        if (entry is not null)
        {
            db.AccessLog.Add(entry);
        }
    }

    /// <summary>
    /// The same record for a read that changes nothing (a lookup, a verification): group-committed with other requests'
    /// (<see cref="ReadAudit{TContext}"/>, ADR 0010). Completes once both rows are durable; the caller answers only then.
    /// </summary>
    public Task RecordReadAsync(Member member, Guid? citizenId, string kind, string action, string purpose, string? caseReference,
        IEnumerable<string> fields, string legalBasis, string? requestId)
    {
        var (audit, entry) = Build(member, citizenId, kind, action, purpose, caseReference, fields, legalBasis, requestId, null);
        return entry is null ? reads.AppendAsync(audit) : reads.AppendAsync(audit, entry);
    }

    private (AuditEvent Audit, AccessLogEntry? Entry) Build(Member member, Guid? citizenId, string kind, string action, string purpose,
        string? caseReference, IEnumerable<string> fields, string legalBasis, string? requestId, string? reason)
    {
        var fieldList = string.Join(' ', fields);
        var audit = new AuditEvent($"member:{member.Identifier}", action, purpose)
        {
            Subject = citizenId is { } id ? $"citizen:{id}" : null,
            LegalBasis = legalBasis,
            RequestId = requestId,
            Details = JsonSerializer.Serialize(new { caseReference, fields = fieldList, reason }),
        };
        var entry = citizenId is { } citizen ? AccessLogEntry.Of(member, citizen, kind, purpose, caseReference, fieldList, clock.GetUtcNow()) : null;
        return (audit, entry);
    }
}
