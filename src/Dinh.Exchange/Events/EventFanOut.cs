using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Events;

/// <summary>
/// Turns numbered registry changes into one delivery per webhook subscription whose member's events grant names
/// the change's kind. One instance at a time: the cursor row is locked for the step (PostgreSQL row lock, SQLite
/// write lock), so every change becomes each delivery once; the unique (subscription, event) index backs that up.
/// </summary>
internal sealed class EventFanOut(ExchangeDbContext db, RegistryChangeFeed feed, TimeProvider clock)
{
    private const string EnsureCursor = "INSERT INTO exchange_fanout_cursor (id, last_sequence) VALUES (1, 0) ON CONFLICT (id) DO NOTHING";
    private const string LockCursor = "UPDATE exchange_fanout_cursor SET last_sequence = last_sequence WHERE id = 1";

    /// <summary>Fans out up to <paramref name="batch"/> changes; returns how many changes were consumed.</summary>
    public async Task<int> RunAsync(int batch, CancellationToken cancellationToken)
    {
        await feed.SequenceAsync(batch * 5, cancellationToken);
        var last = await db.FanOutCursors.AsNoTracking().Where(c => c.Id == 1).Select(c => (long?)c.LastSequence).FirstOrDefaultAsync(cancellationToken);
        if (last is null)
        {
            await db.Database.ExecuteSqlRawAsync(EnsureCursor, cancellationToken);
        }
        else if (last.Value >= await feed.LastSequenceAsync(cancellationToken))
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(LockCursor, cancellationToken);
        var cursor = await db.FanOutCursors.FirstAsync(c => c.Id == 1, cancellationToken);
        var changes = await feed.ReadAsync(cursor.LastSequence, batch, cancellationToken);
        if (changes.Count == 0)
        {
            return 0;
        }
        var subscribers = await (from s in db.Subscriptions.AsNoTracking()
                                 join m in db.Members.AsNoTracking() on s.MemberId equals m.Id
                                 where s.Active && m.Status == MemberStatus.Active
                                 select new { s.Id, s.MemberId }).ToListAsync(cancellationToken);
        var memberIds = subscribers.Select(s => s.MemberId).Distinct().ToList();
        var kinds = (await db.Grants.AsNoTracking().Where(g => memberIds.Contains(g.MemberId) && g.Dataset == Datasets.Events && g.RevokedAt == null)
                .ToListAsync(cancellationToken))
            .GroupBy(g => g.MemberId).ToDictionary(g => g.Key, g => g.SelectMany(x => x.FieldList).ToHashSet(StringComparer.Ordinal));
        var now = clock.GetUtcNow();
        foreach (var change in changes)
        {
            var payload = EventMessage.From(change).ToJson();
            foreach (var subscriber in subscribers.Where(s => kinds.TryGetValue(s.MemberId, out var k) && RegistryChangeFeed.Covers(k, change.Kind)))
            {
                db.Deliveries.Add(new Delivery
                {
                    Id = Guid.CreateVersion7(now), SubscriptionId = subscriber.Id, MemberId = subscriber.MemberId, Sequence = change.Sequence,
                    EventId = change.EventId, CitizenId = change.CitizenId, Kind = change.Kind, Payload = payload, NextAttemptAt = now, CreatedAt = now,
                });
            }
        }
        cursor.LastSequence = changes[^1].Sequence;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return changes.Count;
    }
}
