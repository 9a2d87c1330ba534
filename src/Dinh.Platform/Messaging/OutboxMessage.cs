using System.Text.RegularExpressions;

namespace Dinh.Platform.Messaging;

public enum MessageChannel
{
    Sms = 1,
    Email = 2,
}

public enum MessageStatus
{
    /// <summary>Not tried yet, or being sent right now (a dispatcher holds it until <see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending = 1,
    Sent = 2,
    /// <summary>The last attempt failed; the next one is due at <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Failed = 3,
    /// <summary>Every attempt failed; nobody will try again.</summary>
    Dead = 4,
}

/// <summary>What a module asks to send. It is written with the caller's change, so it goes out only if that commits.</summary>
/// <param name="Recipient">A phone number in E.164 (+84912345678) for SMS, an e-mail address for e-mail.</param>
/// <param name="Subject">E-mail only.</param>
/// <param name="Kind">A short stable name of what this is, for logs and metrics: "otp.phone", "password.reset", "notice".</param>
public sealed record OutgoingMessage(MessageChannel Channel, string Recipient, string? Subject, string Body, string Kind);

/// <summary>
/// One row of the outbox. The recipient and the body are personal data (the body may be a one-time code): they go
/// to the sender and to the development mailbox, never to a log. The body is erased once the message is settled and
/// older than <c>Dinh:Messaging:BodyRetention</c>.
/// </summary>
public sealed partial class OutboxMessage
{
    public const int RecipientMaxLength = 254;
    public const int SubjectMaxLength = 200;
    public const int KindMaxLength = 64;
    public const int ErrorMaxLength = 200;
    public const int SenderMaxLength = 64;

    public Guid Id { get; init; }
    public MessageChannel Channel { get; init; }
    public required string Recipient { get; init; }
    public string? Subject { get; init; }
    public string Body { get; internal set; } = "";
    public required string Kind { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public MessageStatus Status { get; internal set; }
    public int Attempts { get; internal set; }

    /// <summary>When a dispatcher may take it next: due, a retry, or the end of the lease of the dispatcher sending it. Null once settled.</summary>
    public DateTimeOffset? NextAttemptAt { get; internal set; }
    public DateTimeOffset? SentAt { get; internal set; }

    /// <summary>Why the last attempt failed, in words that hold no personal data ("HTTP 503", "SocketException").</summary>
    public string? LastError { get; internal set; }

    /// <summary>The sender that made the last attempt ("Development", "Smtp", "Http").</summary>
    public string? Sender { get; internal set; }

    internal static OutboxMessage Create(OutgoingMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        // The messages say what is wrong, never the value: exceptions can end up in places logs do not.
        switch (message.Channel)
        {
            case MessageChannel.Sms:
                if (message.Recipient is null || !PhoneNumber().IsMatch(message.Recipient))
                {
                    throw new ArgumentException("An SMS recipient must be a phone number in E.164 form, such as +84912345678.", nameof(message));
                }
                if (message.Subject is not null)
                {
                    throw new ArgumentException("An SMS has no subject.", nameof(message));
                }
                break;
            case MessageChannel.Email:
                if (message.Recipient is not { Length: > 0 and <= RecipientMaxLength } || !EmailAddress().IsMatch(message.Recipient))
                {
                    throw new ArgumentException("An e-mail recipient must be one address such as name@example.vn.", nameof(message));
                }
                if (message.Subject is { Length: > SubjectMaxLength })
                {
                    throw new ArgumentException($"An e-mail subject has at most {SubjectMaxLength} characters.", nameof(message));
                }
                break;
            default:
                throw new ArgumentException($"Unknown channel {(int)message.Channel}.", nameof(message));
        }
        if (string.IsNullOrWhiteSpace(message.Body))
        {
            throw new ArgumentException("A message needs a body.", nameof(message));
        }
        if (message.Kind is not { Length: <= KindMaxLength } || !KindName().IsMatch(message.Kind))
        {
            throw new ArgumentException($"Kind must be a short lower-case name such as \"otp.phone\" (at most {KindMaxLength} characters).", nameof(message));
        }
        return new OutboxMessage
        {
            Id = Guid.CreateVersion7(now),
            Channel = message.Channel,
            Recipient = message.Recipient,
            Subject = message.Subject,
            Body = message.Body,
            Kind = message.Kind,
            CreatedAt = now,
            Status = MessageStatus.Pending,
            NextAttemptAt = now,
        };
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhoneNumber();

    // One plain address: no display name, no list, no whitespace or control characters (no header injection).
    [GeneratedRegex(@"^[^\s@<>,;""\p{C}]+@[^\s@<>,;""\p{C}]+\.[^\s@<>,;""\p{C}]+$")]
    private static partial Regex EmailAddress();

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*$")]
    private static partial Regex KindName();
}
