using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dinh.Exchange.Events;

/// <summary>
/// The event worker of each instance: fans registry changes out to subscriptions, then sends due deliveries as
/// signed webhooks. A 2xx answer settles a delivery (recorded in the audit trail and the citizen's access log);
/// anything else, a timeout included, is retried after a delay that doubles each time, and parked after
/// Dinh:Exchange:MaxAttempts attempts for an administrator to re-queue. At least once: a worker that dies after
/// the send but before recording it sends again when its lease ends; the event id lets the receiver deduplicate.
/// </summary>
internal sealed partial class WebhookDispatcher(IServiceScopeFactory scopes, IHttpClientFactory httpClients, IOptions<ExchangeOptions> options,
    TimeProvider clock, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "Dinh.Exchange.Webhooks";
    public const string SignatureHeader = "Dinh-Signature";
    public const string EventIdHeader = "Dinh-Event-Id";
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or HttpRequestException)
            {
                LogStepFailed(logger, exception.GetType().Name);
            }
            if (!busy)
            {
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One fan-out step and one delivery batch; true when there was work (look again at once).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var fannedOut = await scope.ServiceProvider.GetRequiredService<EventFanOut>().RunAsync(1_000, cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var claimed = await DeliveryQueue.ClaimAsync(db, now, now + 2 * settings.WebhookTimeout + TimeSpan.FromSeconds(5), Batch, cancellationToken);
        if (claimed.Count == 0)
        {
            return fannedOut > 0;
        }
        var subscriptionIds = claimed.Select(d => d.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var outcomes = new (Delivery Delivery, string? Error)[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => outcomes[i] = (claimed[i], await SendAsync(claimed[i], subscriptions.GetValueOrDefault(claimed[i].SubscriptionId), ct)));
        await SettleAsync(scope.ServiceProvider, outcomes, cancellationToken);
        return true;
    }

    private async Task<string?> SendAsync(Delivery delivery, Subscription? subscription, CancellationToken cancellationToken)
    {
        if (subscription is not { Active: true })
        {
            return "subscription inactive";
        }
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SignatureHeader, Sign(subscription.Secret, timestamp, delivery.Payload));
        request.Headers.Add(EventIdHeader, delivery.EventId.ToString());
        request.Headers.Add("Dinh-Delivery-Attempt", delivery.Attempts.ToString(CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.WebhookTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timeout";
        }
        catch (HttpRequestException exception)
        {
            return exception.HttpRequestError.ToString();
        }
    }

    /// <summary>`t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;` (docs/exchange.md shows how to check it).</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private async Task SettleAsync(IServiceProvider services, (Delivery Delivery, string? Error)[] outcomes, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ExchangeDbContext>();
        db.ChangeTracker.Clear();
        var recorder = services.GetRequiredService<AccessRecorder>();
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var ids = outcomes.Select(o => o.Delivery.Id).ToList();
        var rows = await db.Deliveries.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var memberIds = outcomes.Select(o => o.Delivery.MemberId).Distinct().ToList();
        var members = await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var grants = (await db.Grants.AsNoTracking().Where(g => memberIds.Contains(g.MemberId) && g.Dataset == Datasets.Events && g.RevokedAt == null)
            .ToListAsync(cancellationToken)).GroupBy(g => g.MemberId).ToDictionary(g => g.Key, g => g.First());
        foreach (var (claimed, error) in outcomes)
        {
            // Matching the attempt count fences off a worker whose lease ran out and whose row another took since.
            if (!rows.TryGetValue(claimed.Id, out var row) || row.Attempts != claimed.Attempts || row.Status != DeliveryStatus.Pending)
            {
                continue;
            }
            if (error is null)
            {
                row.Status = DeliveryStatus.Delivered;
                row.DeliveredAt = now;
                row.NextAttemptAt = null;
                row.LastError = null;
                if (members.TryGetValue(row.MemberId, out var member))
                {
                    var grant = grants.GetValueOrDefault(row.MemberId);
                    recorder.Record(member, row.CitizenId, AccessRecorder.Event, "exchange.event.delivered", (grant is { PurposeList.Count: > 0 } ? grant.PurposeList[0] : "events"),
                        $"event:{row.EventId}", [row.Kind], grant?.LegalBasis ?? "-", null);
                }
            }
            else if (row.Attempts >= settings.MaxAttempts)
            {
                row.Status = DeliveryStatus.Parked;
                row.NextAttemptAt = null;
                row.LastError = error;
                LogParked(logger, row.Id, row.Attempts, error);
            }
            else
            {
                var delay = TimeSpan.FromTicks(Math.Min(settings.MaxRetryDelay.Ticks, settings.FirstRetryDelay.Ticks * (1L << Math.Min(row.Attempts - 1, 30))));
                row.NextAttemptAt = now + delay;
                row.LastError = error;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exchange event step failed ({ExceptionType}); retrying at the next poll")]
    private static partial void LogStepFailed(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} parked after {Attempts} attempts ({Error})")]
    private static partial void LogParked(ILogger logger, Guid deliveryId, int attempts, string error);
}
