using Dinh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Events;

/// <summary>
/// Claiming due deliveries, as the platform's outbox claims messages: on PostgreSQL `FOR UPDATE SKIP LOCKED` so
/// several instances take disjoint rows, and a lease written in the same statement keeps a claimed row out of
/// later claims until it ends; SQLite has one writer, so the statement runs alone. Raw SQL because SQLite stores
/// DateTimeOffset as text (UTC text sorts correctly) and EF cannot say SKIP LOCKED.
/// </summary>
internal static class DeliveryQueue
{
    // Statuses as stored (DeliveryStatus): 1 Pending. {0} lease end, {1} now, {2} batch size.
    private const string AnyDue = "SELECT * FROM exchange_deliveries WHERE status = 1 AND next_attempt_at <= {0}";

    private const string PostgresClaim = """
        WITH due AS (
            SELECT id FROM exchange_deliveries
            WHERE status = 1 AND next_attempt_at <= {1}
            ORDER BY next_attempt_at
            LIMIT {2}
            FOR UPDATE SKIP LOCKED)
        UPDATE exchange_deliveries AS d SET next_attempt_at = {0}, attempts = d.attempts + 1
        FROM due WHERE d.id = due.id
        RETURNING d.*
        """;

    private const string SqliteClaim = """
        UPDATE exchange_deliveries SET next_attempt_at = {0}, attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM exchange_deliveries
            WHERE status = 1 AND next_attempt_at <= {1}
            ORDER BY next_attempt_at
            LIMIT {2})
        RETURNING *
        """;

    public static async Task<List<Delivery>> ClaimAsync(ExchangeDbContext db, DateTimeOffset now, DateTimeOffset leaseUntil, int batchSize,
        CancellationToken cancellationToken)
    {
        if (!await db.Deliveries.FromSqlRaw(AnyDue, now).AnyAsync(cancellationToken))
        {
            return [];
        }
        var claim = db.Database.IsNpgsql() ? PostgresClaim : SqliteClaim;
        return await db.Deliveries.FromSqlRaw(claim, leaseUntil, now, batchSize).AsNoTracking().ToListAsync(cancellationToken);
    }
}
