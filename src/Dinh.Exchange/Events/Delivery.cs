namespace Dinh.Exchange.Events;

/// <summary>A member's webhook: where its events go and the key they are signed with (HMAC-SHA256, docs/exchange.md).</summary>
public sealed class Subscription
{
    public Guid Id { get; init; }
    public Guid MemberId { get; init; }
    public required string Url { get; set; }
    public required string Secret { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }
}

public enum DeliveryStatus
{
    Pending = 1,
    Delivered = 2,
    Parked = 3,
}

/// <summary>One event for one subscription: retried with growing delays, parked after the last attempt for an administrator.</summary>
public sealed class Delivery
{
    public Guid Id { get; init; }
    public Guid SubscriptionId { get; init; }
    public Guid MemberId { get; init; }
    public long Sequence { get; init; }
    public Guid EventId { get; init; }
    public Guid CitizenId { get; init; }
    public required string Kind { get; init; }
    public required string Payload { get; init; }
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }

    /// <summary>When a worker may take it: due, a retry, or the end of the lease of the worker sending it. Null once settled.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>The fan-out cursor: the last registry sequence turned into deliveries. One row, locked by the instance fanning out.</summary>
public sealed class FanOutCursor
{
    public int Id { get; init; }
    public long LastSequence { get; set; }
}
