namespace Dinh.Platform.Messaging;

/// <summary>
/// Development only (the validator refuses it elsewhere): delivers nothing. The message stays in the outbox, where
/// <c>/dev/mailbox</c> shows it, so a developer or a test reads the one-time code there instead of on a phone.
/// </summary>
internal sealed class DevelopmentSender(MessageChannel channel) : IMessageSender
{
    public MessageChannel Channel { get; } = channel;

    public string Name => MessagingOptions.DevelopmentSender;

    public Task SendAsync(OutboxMessage message, CancellationToken ct) => Task.CompletedTask;
}
