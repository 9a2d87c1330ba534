namespace Dinh.Platform.Messaging;

/// <summary>
/// Wakes this instance's dispatcher when a context saved a message, so a one-time code leaves at once instead of
/// at the next poll. Messages saved by other instances are found by polling.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly Lock _gate = new();

    public void Notify()
    {
        lock (_gate)
        {
            if (_pending.CurrentCount == 0)
            {
                _pending.Release();
            }
        }
    }

    /// <summary>True when notified, false when the timeout passed first.</summary>
    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _pending.Dispose();
}
