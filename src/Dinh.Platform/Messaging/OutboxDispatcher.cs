using System.Diagnostics.Metrics;
using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Messaging;

/// <summary>
/// Sends what modules put in the outbox. Every instance may run one: a message is claimed by one dispatcher at a
/// time (OutboxQueue), so each is sent once, unless a send outlives its lease or the process dies between the
/// gateway's acceptance and the write of "sent" (then it is sent again; the message id goes along as a reference).
/// Logs name the message id, kind, channel and outcome, never the recipient or the body.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IEnumerable<IMessageSender> senders,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly Meter Meter = new("Dinh.Platform");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("dinh.messages",
        description: "Message send attempts by channel, kind and outcome (sent, retry, dead).");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.Value;
        // The last registration of a name wins, so a deployment or a test can replace a built-in sender.
        var chosen = Enum.GetValues<MessageChannel>()
            .Select(channel => senders.LastOrDefault(s => s.Channel == channel
                && string.Equals(s.Name, settings.SenderFor(channel), StringComparison.OrdinalIgnoreCase)))
            .OfType<IMessageSender>()
            .ToDictionary(s => s.Channel);
        // Often enough that a body outlives its retention by little, never more than once a poll or once a minute.
        var eraseEvery = TimeSpan.FromTicks(Math.Min(Math.Max(settings.BodyRetention.Ticks / 4, settings.PollInterval.Ticks), TimeSpan.TicksPerMinute));
        var nextErase = DateTimeOffset.MinValue;
        var failing = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DispatchBatchAsync(settings, chosen, stoppingToken);
                if (clock.GetUtcNow() >= nextErase)
                {
                    await EraseBodiesAsync(settings, stoppingToken);
                    nextErase = clock.GetUtcNow() + eraseEvery;
                }
                if (failing)
                {
                    LogResumed(logger);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop must survive anything: an unreachable database, a table not migrated yet.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Once per outage, and the type only: database messages can quote the values of a row.
                if (!failing)
                {
                    LogDispatchFailed(logger, ex.GetType().Name);
                    failing = true;
                }
            }
            if (claimed < settings.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task<int> DispatchBatchAsync(
        MessagingOptions settings, IReadOnlyDictionary<MessageChannel, IMessageSender> chosen, CancellationToken stoppingToken)
    {
        List<OutboxMessage> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            var now = clock.GetUtcNow();
            batch = await OutboxQueue.ClaimAsync(db, now, now + settings.Lease, settings.BatchSize, stoppingToken);
        }
        if (batch.Count == 0)
        {
            return 0;
        }

        // A claimed batch is finished even if the host is stopping: the sends are bounded by SendTimeout, and a batch
        // dropped here would wait for its lease to expire before another instance could send it.
        var outcomes = await Task.WhenAll(batch.Select(message => SendAsync(message, chosen, settings)));
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            foreach (var (message, sender, error) in outcomes)
            {
                await RecordAsync(db, message, sender, error, settings);
            }
        }
        return batch.Count;
    }

    private async Task<(OutboxMessage Message, string Sender, string? Error)> SendAsync(
        OutboxMessage message, IReadOnlyDictionary<MessageChannel, IMessageSender> chosen, MessagingOptions settings)
    {
        if (!chosen.TryGetValue(message.Channel, out var sender))
        {
            return (message, "none", $"no sender configured for {message.Channel}");
        }
        using var timeout = new CancellationTokenSource(settings.SendTimeout, clock);
        try
        {
            await sender.SendAsync(message, timeout.Token);
            return (message, sender.Name, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (message, sender.Name, "timed out");
        }
        catch (MessageDeliveryException ex)
        {
            return (message, sender.Name, ex.Message);
        }
#pragma warning disable CA1031 // Whatever a sender throws is a failed attempt, to be retried.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The type only: an exception's message may quote the recipient.
            return (message, sender.Name, ex.GetType().Name);
        }
    }

    private async Task RecordAsync(PlatformDbContext db, OutboxMessage message, string sender, string? error, MessagingOptions settings)
    {
        var now = clock.GetUtcNow();
        // Matching the attempt count fences off a dispatcher whose lease ran out: if another took the message
        // meanwhile, that one's outcome stands and this one changes nothing.
        var mine = db.OutboxMessages.Where(m => m.Id == message.Id && m.Attempts == message.Attempts);
        var channel = message.Channel.ToString();
        int updated;
        string outcome;
        if (error is null)
        {
            outcome = "sent";
            updated = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MessageStatus.Sent)
                .SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(m => m.Sender, sender), CancellationToken.None);
            if (updated == 1)
            {
                LogSent(logger, message.Id, message.Kind, channel, sender, message.Attempts);
            }
        }
        else
        {
            error = error.Length <= OutboxMessage.ErrorMaxLength ? error : error[..OutboxMessage.ErrorMaxLength];
            var dead = message.Attempts >= settings.MaxAttempts;
            var delay = settings.RetryDelay(message.Attempts);
            outcome = dead ? "dead" : "retry";
            updated = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, dead ? MessageStatus.Dead : MessageStatus.Failed)
                .SetProperty(m => m.NextAttemptAt, dead ? null : (DateTimeOffset?)(now + delay))
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.Sender, sender), CancellationToken.None);
            if (updated == 1 && dead)
            {
                LogDead(logger, message.Id, message.Kind, channel, message.Attempts, error);
            }
            else if (updated == 1)
            {
                LogRetry(logger, message.Id, message.Kind, channel, message.Attempts, error, delay);
            }
        }
        if (updated == 0)
        {
            LogLeaseLost(logger, message.Id, message.Kind, channel, outcome);
            return;
        }
        Outcomes.Add(1, new("channel", channel), new("kind", message.Kind), new("outcome", outcome));
    }

    private async Task EraseBodiesAsync(MessagingOptions settings, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var erased = await OutboxQueue.EraseBodiesAsync(db, clock.GetUtcNow() - settings.BodyRetention, stoppingToken);
        if (erased > 0)
        {
            LogErased(logger, erased, settings.BodyRetention);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ({Kind}, {Channel}) sent by {Sender} on attempt {Attempt}")]
    private static partial void LogSent(ILogger logger, Guid messageId, string kind, string channel, string sender, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} ({Kind}, {Channel}) attempt {Attempt} failed: {Error}; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Guid messageId, string kind, string channel, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} ({Kind}, {Channel}) is dead after {Attempts} attempts: {Error}")]
    private static partial void LogDead(ILogger logger, Guid messageId, string kind, string channel, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Message {MessageId} ({Kind}, {Channel}) was taken by another dispatcher after this one's lease ran out; outcome '{Outcome}' not recorded")]
    private static partial void LogLeaseLost(ILogger logger, Guid messageId, string kind, string channel, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased the bodies of {Count} messages older than {Retention}")]
    private static partial void LogErased(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({ExceptionType}); retrying at each poll")]
    private static partial void LogDispatchFailed(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox dispatch resumed")]
    private static partial void LogResumed(ILogger logger);
}
