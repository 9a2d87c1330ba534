namespace Dinh.Platform.Messaging;

/// <summary>
/// Delivers messages of one channel to a real gateway (or to the development mailbox). Chosen by configuration:
/// <c>Dinh:Messaging:Email:Sender</c> and <c>Dinh:Messaging:Sms:Sender</c> name a registered sender.
/// A sender throws when the message was not accepted; the dispatcher then retries it later.
/// </summary>
public interface IMessageSender
{
    MessageChannel Channel { get; }

    /// <summary>The name configuration uses to choose this sender, also recorded on each message it sends.</summary>
    string Name { get; }

    Task SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>
/// A refusal whose <see cref="Exception.Message"/> may be stored and logged: it must hold no personal data
/// ("HTTP 503", "SMTP 550"), never the gateway's own text, which often quotes the recipient.
/// </summary>
public sealed class MessageDeliveryException : Exception
{
    public MessageDeliveryException(string reason)
        : base(reason)
    {
    }

    public MessageDeliveryException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public MessageDeliveryException()
    {
    }
}
