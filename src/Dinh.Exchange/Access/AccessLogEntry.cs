using Dinh.Exchange.Members;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Access;

/// <summary>
/// One use of a citizen's data by a member, indexed by citizen for the "who used my data" page. Written in the same
/// transaction as the audit record that proves it (the audit trail is the evidence, this the citizen's index).
/// </summary>
public sealed class AccessLogEntry
{
    public Guid Id { get; init; }
    public Guid CitizenId { get; init; }
    public Guid MemberId { get; init; }
    public required string MemberIdentifier { get; init; }
    public required string MemberName { get; init; }

    /// <summary>lookup, verification, event, refused, record, or record-created/-updated/-deleted (a hosted registry's record).</summary>
    public required string Kind { get; init; }
    public required string Purpose { get; init; }
    public string? CaseReference { get; init; }

    /// <summary>Space-separated names of the fields released (or compared, for a verification; or written, for a change).</summary>
    public required string Fields { get; init; }
    public DateTimeOffset At { get; init; }

    public static AccessLogEntry Of(Member member, Guid citizenId, string kind, string purpose, string? caseReference, string fields, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        CitizenId = citizenId,
        MemberId = member.Id,
        MemberIdentifier = member.Identifier,
        MemberName = member.Name,
        Kind = kind,
        Purpose = purpose,
        CaseReference = caseReference,
        Fields = fields,
        At = at,
    };

    /// <summary>
    /// The table's mapping, for the exchange's context (which owns it in migrations) and for the hosted registries'
    /// context (mapped without migrations, as the audit trail is, so a record change and its entry commit together).
    /// </summary>
    internal static void Map(ModelBuilder modelBuilder, bool ownsTable) => modelBuilder.Entity<AccessLogEntry>(entry =>
    {
        entry.ToTable("exchange_access_log", table =>
        {
            if (!ownsTable)
            {
                table.ExcludeFromMigrations();
            }
        });
        // Keyed by citizen first: every query reads one citizen's entries (the citizen's page, newest first by the
        // UUID v7 id; MyPersonalDataUsage; the data-subject answer), and each read of personal data writes a row, so
        // the key is the table's only index (ADR 0023).
        entry.HasKey(e => new { e.CitizenId, e.Id });
        entry.Property(e => e.MemberIdentifier).HasMaxLength(170);
        entry.Property(e => e.MemberName).HasMaxLength(200);
        entry.Property(e => e.Kind).HasMaxLength(20);
        entry.Property(e => e.Purpose).HasMaxLength(100);
        entry.Property(e => e.CaseReference).HasMaxLength(100);
        entry.Property(e => e.Fields).HasMaxLength(1000);
    });
}
