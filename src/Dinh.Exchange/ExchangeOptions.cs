namespace Dinh.Exchange;

/// <summary>Settings under Dinh:Exchange (docs/exchange.md).</summary>
public sealed class ExchangeOptions
{
    /// <summary>Default sustained requests per second per member (a member's own setting overrides it).</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests above the rate a member may send in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Webhook attempts before a delivery is parked for an administrator.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the first retry; each further retry doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one webhook call may take before it counts as failed.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the event workers look for new changes and due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs the fan-out and webhook workers in this instance (on by default; off for CLI-only hosts).</summary>
    public bool Deliver { get; set; } = true;

    /// <summary>
    /// BENCHMARK ONLY: skips the audit record and the access-log row of lookups and verifications, to measure what
    /// they cost (bench/run-exchange.sh). Never set it in production: accesses would leave no trace.
    /// </summary>
    public bool BenchmarkWithoutAudit { get; set; }
}
