using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dinh.Platform.Jobs;

/// <summary>
/// A background job that runs one pass at start and then every <see cref="Interval"/>, on every instance. A pass that
/// fails is logged and the next one retries: a database that is down now must not stop the server. So a pass must be
/// idempotent and safe while other instances run theirs (the pruning of expired rows, the lifting of ended locks).
/// </summary>
public abstract partial class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass, as of <paramref name="now"/>; it logs what it did itself.</summary>
    protected abstract Task RunPassAsync(DateTimeOffset now, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunPassAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The next pass retries; a database that is down now must not stop the server.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(logger, GetType().Name, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: the pass failed ({Error}); the next pass retries")]
    private static partial void LogFailed(ILogger logger, string job, string error);
}
