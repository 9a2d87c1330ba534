using System.Collections.Concurrent;

namespace Dinh.Identity.Accounts;

/// <summary>
/// The browser sessions this instance found valid a moment ago (ADR 0016). A request whose session was checked less
/// than <see cref="Interval"/> ago skips the database check; ending a session or locking an account on this instance
/// forgets every entry at once, so the change applies here from the next request and on the other instances within
/// the interval. <c>Dinh:Identity:SessionCheckInterval</c> (default 5 s); zero checks every request.
/// </summary>
public sealed class RecentSessionChecks(TimeProvider clock, TimeSpan interval)
{
    // Past this many entries, a remembering request first drops the expired ones (an instance serves many sessions
    // over a day, few within any few seconds).
    private const int SweepAbove = 50_000;

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _validUntil = new();

    public TimeSpan Interval => interval;

    /// <summary>Whether <paramref name="sessionId"/> was found valid less than the interval ago.</summary>
    public bool IsFresh(Guid sessionId) =>
        interval > TimeSpan.Zero && _validUntil.TryGetValue(sessionId, out var until) && clock.GetUtcNow() < until;

    /// <summary>Records that <paramref name="sessionId"/> was just found valid in the database.</summary>
    public void Remember(Guid sessionId)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        var now = clock.GetUtcNow();
        if (_validUntil.Count > SweepAbove)
        {
            foreach (var (id, until) in _validUntil)
            {
                if (until <= now)
                {
                    _validUntil.TryRemove(id, out _);
                }
            }
        }
        _validUntil[sessionId] = now + interval;
    }

    /// <summary>Forgets one session (it was just ended here).</summary>
    public void Forget(Guid sessionId) => _validUntil.TryRemove(sessionId, out _);

    /// <summary>Forgets every session (an account's sessions were revoked or the account locked here).</summary>
    public void ForgetAll() => _validUntil.Clear();
}
