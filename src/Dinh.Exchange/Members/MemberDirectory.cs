using System.Collections.Concurrent;
using Dinh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Members;

/// <summary>
/// Members (by client id) and their active grants (by dataset), kept by this instance for <see cref="Lifetime"/>: every
/// exchange request needs both, and they change rarely. A change made through <see cref="MemberAdministration"/> on
/// this instance clears them at once; a change made on another instance (a member disabled, a grant revoked) is seen
/// here within <see cref="Lifetime"/> (docs/scaling.md). Consents are never cached: a withdrawal counts at once.
/// The cached rows are shared by requests and must not be changed or attached to a context.
/// </summary>
internal sealed class MemberDirectory(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (Member? Member, DateTimeOffset Until)> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Guid, string), (IReadOnlyList<Grant> Grants, DateTimeOffset Until)> _grants = new();

    public async Task<Member?> MemberAsync(ExchangeDbContext db, string clientId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_members.TryGetValue(clientId, out var kept) && kept.Until > now)
        {
            return kept.Member;
        }
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.ClientId == clientId, cancellationToken);
        Keep(_members, clientId, (member, now + Lifetime));
        return member;
    }

    public async Task<IReadOnlyList<Grant>> GrantsAsync(ExchangeDbContext db, Guid memberId, string dataset, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_grants.TryGetValue((memberId, dataset), out var kept) && kept.Until > now)
        {
            return kept.Grants;
        }
        var grants = await db.Grants.AsNoTracking().Where(g => g.MemberId == memberId && g.Dataset == dataset && g.RevokedAt == null)
            .ToListAsync(cancellationToken);
        Keep(_grants, (memberId, dataset), (grants, now + Lifetime));
        return grants;
    }

    /// <summary>Forgets everything: called after every change to members and grants on this instance.</summary>
    public void Clear()
    {
        _members.Clear();
        _grants.Clear();
    }

    private static void Keep<TKey, TValue>(ConcurrentDictionary<TKey, TValue> entries, TKey key, TValue value) where TKey : notnull
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }
        entries[key] = value;
    }
}
