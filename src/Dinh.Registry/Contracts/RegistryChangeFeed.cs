using System.Text.Json;
using Dinh.Registry.Changes;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>A published registry change: <see cref="Kind"/> is birth, death, death-cancelled, residence or name; <see cref="Data"/> its own fields.</summary>
public sealed record RegistryChangeEvent(long Sequence, Guid EventId, string Kind, Guid CitizenId, string PersonalIdNumber, DateOnly OccurredOn,
    DateTimeOffset RecordedAt, IReadOnlyDictionary<string, string?> Data);

/// <summary>
/// The registry's change feed (table <c>registry_changes</c>). Rows are written in the registry's own transaction
/// without a sequence; <see cref="SequenceAsync"/> numbers the committed ones in one locked step, so sequences
/// only ever grow in the order readers can see them: a reader that remembers the last sequence it read never
/// misses a row whose transaction committed after a later one's (the commit-order gap of an identity column).
/// </summary>
public sealed class RegistryChangeFeed(RegistryDbContext db)
{
    public static IReadOnlyList<string> Kinds => RegistryChangeCapture.Kinds;

    /// <inheritdoc cref="RegistryChangeCapture.Covers"/>
    public static bool Covers(IReadOnlySet<string> granted, string kind) => RegistryChangeCapture.Covers(granted, kind);

    // The head row is updated first: on PostgreSQL that locks it (sequencers on other instances wait), on SQLite
    // it takes the database's write lock before anything is read.
    private const string LockHead = "UPDATE registry_change_heads SET last_sequence = last_sequence WHERE id = 1";
    private const string EnsureHead = "INSERT INTO registry_change_heads (id, last_sequence) VALUES (1, 0) ON CONFLICT (id) DO NOTHING";
    private const string Number = """
        UPDATE registry_changes AS c SET sequence = {0} + p.rn
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM registry_changes WHERE sequence IS NULL ORDER BY id LIMIT {1}) AS p
        WHERE c.id = p.id
        """;

    /// <summary>Numbers up to <paramref name="batch"/> committed, unnumbered changes; returns how many. Safe on several instances at once.</summary>
    public async Task<int> SequenceAsync(int batch, CancellationToken cancellationToken)
    {
        if (!await db.RegistryChanges.AnyAsync(c => c.Sequence == null, cancellationToken))
        {
            return 0;
        }
        await db.Database.ExecuteSqlRawAsync(EnsureHead, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(LockHead, cancellationToken);
        var last = await db.RegistryChangeHeads.AsNoTracking().Where(h => h.Id == 1).Select(h => h.LastSequence).FirstAsync(cancellationToken);
        var numbered = await db.Database.ExecuteSqlRawAsync(Number, [last, batch], cancellationToken);
        if (numbered > 0)
        {
            await db.RegistryChangeHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSequence, last + numbered), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return numbered;
    }

    /// <summary>Numbered changes after <paramref name="afterSequence"/>, in order, with the citizen's current personal ID number.</summary>
    public async Task<IReadOnlyList<RegistryChangeEvent>> ReadAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var rows = await db.RegistryChanges.AsNoTracking()
            .Where(c => c.Sequence > afterSequence)
            .OrderBy(c => c.Sequence)
            .Take(limit)
            .Select(c => new { c.Sequence, c.EventId, c.Kind, c.CitizenId, c.OccurredOn, c.RecordedAt, c.Data,
                Number = db.Citizens.Where(z => z.Id == c.CitizenId).Select(z => z.PersonalIdNumber).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new RegistryChangeEvent(r.Sequence!.Value, r.EventId, r.Kind, r.CitizenId, r.Number ?? "", r.OccurredOn, r.RecordedAt,
            JsonSerializer.Deserialize<Dictionary<string, string?>>(r.Data) ?? [])).ToList();
    }

    /// <summary>The last sequence handed out (0 before the first).</summary>
    public Task<long> LastSequenceAsync(CancellationToken cancellationToken) =>
        db.RegistryChangeHeads.AsNoTracking().Where(h => h.Id == 1).Select(h => h.LastSequence).FirstOrDefaultAsync(cancellationToken);
}
