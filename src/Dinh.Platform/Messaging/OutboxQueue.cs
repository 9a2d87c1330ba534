using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Platform.Messaging;

/// <summary>
/// The outbox's SQL. Raw where EF Core cannot say it: row locks that skip, UPDATE … RETURNING, and time comparisons
/// on SQLite (which stores DateTimeOffset as text; UTC values sort correctly as text).
/// </summary>
internal static class OutboxQueue
{
    // Statuses as stored (MessageStatus): 1 Pending, 2 Sent, 3 Failed, 4 Dead.
    private const string AnyDue = "SELECT * FROM outbox_messages WHERE status IN (1, 3) AND next_attempt_at <= {0}";

    // Several instances claim at once: SKIP LOCKED makes each take rows no other is taking, and the lease written in
    // the same statement keeps them out of every later claim until it expires. {0} lease end, {1} now, {2} batch size.
    private const string PostgresClaim = """
        WITH due AS (
            SELECT id FROM outbox_messages
            WHERE status IN (1, 3) AND next_attempt_at <= {1}
            ORDER BY next_attempt_at
            LIMIT {2}
            FOR UPDATE SKIP LOCKED)
        UPDATE outbox_messages AS m SET next_attempt_at = {0}, attempts = m.attempts + 1
        FROM due WHERE m.id = due.id
        RETURNING m.*
        """;

    // SQLite has one writer at a time: the statement runs alone, so it needs no row locks.
    private const string SqliteClaim = """
        UPDATE outbox_messages SET next_attempt_at = {0}, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM outbox_messages
            WHERE status IN (1, 3) AND next_attempt_at <= {1}
            ORDER BY next_attempt_at
            LIMIT {2})
        RETURNING *
        """;

    internal const int EraseBatch = 1000;

    // In batches, so that a long backlog (a dispatcher that was off for days) does not become one huge transaction.
    private const string EraseBodies = """
        UPDATE outbox_messages SET body = ''
        WHERE id IN (
            SELECT id FROM outbox_messages
            WHERE body <> '' AND created_at < {0} AND status IN (2, 4)
            LIMIT 1000)
        """;

    /// <summary>Takes up to <paramref name="batchSize"/> due messages for this dispatcher until <paramref name="leaseUntil"/>, counting the attempt.</summary>
    public static async Task<List<OutboxMessage>> ClaimAsync(
        PlatformDbContext db, DateTimeOffset now, DateTimeOffset leaseUntil, int batchSize, CancellationToken cancellationToken)
    {
        // A read first: an idle instance polls with a SELECT, not an UPDATE (which on SQLite takes the write lock).
        if (!await db.OutboxMessages.FromSqlRaw(AnyDue, now).AnyAsync(cancellationToken))
        {
            return [];
        }
        var claim = db.Database.IsNpgsql() ? PostgresClaim : SqliteClaim;
        return await db.OutboxMessages.FromSqlRaw(claim, leaseUntil, now, batchSize).AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>Empties the body of every sent or dead message created before <paramref name="cutoff"/>; returns how many.</summary>
    public static async Task<int> EraseBodiesAsync(PlatformDbContext db, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        int erased;
        do
        {
            erased = await db.Database.ExecuteSqlRawAsync(EraseBodies, [cutoff], cancellationToken);
            total += erased;
        }
        while (erased == EraseBatch);
        return total;
    }
}
