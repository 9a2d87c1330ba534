using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dinh.Platform.Messaging;

/// <summary>
/// E-mail through an SMTP relay, with MailKit: STARTTLS that fails rather than falls back to plain text, TLS from
/// the start on port 465, cancellation that reaches the socket.
/// </summary>
internal sealed class SmtpEmailSender(IOptionsMonitor<MessagingOptions> options) : IMessageSender
{
    public const string SenderName = "Smtp";
    public const int ImplicitTlsPort = 465;

    public MessageChannel Channel => MessageChannel.Email;

    public string Name => SenderName;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = options.CurrentValue.Email.Smtp;
        // Both are checked at start-up (MessagingOptionsValidator).
        var host = smtp.Host ?? throw new InvalidOperationException("Dinh:Messaging:Email:Smtp:Host is not set.");
        var from = MailboxAddress.Parse(smtp.From ?? throw new InvalidOperationException("Dinh:Messaging:Email:Smtp:From is not set."));
        using var mail = new MimeMessage();
        mail.From.Add(from);
        mail.To.Add(MailboxAddress.Parse(message.Recipient));
        mail.Subject = message.Subject ?? "";
        // The outbox id, so a relay's log line can be matched to the message without its content.
        mail.MessageId = $"{message.Id:N}@{from.Domain}";
        mail.Body = new TextPart("plain") { Text = message.Body };

        var security = smtp.UseStartTls ? SecureSocketOptions.StartTls
            : smtp.Port == ImplicitTlsPort ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.None;
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(host, smtp.Port, security, ct);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
            }
            await client.SendAsync(mail, ct);
            await client.DisconnectAsync(quit: true, ct);
        }
        // The relay's own text is never kept: a refusal usually quotes the address ("550 5.1.1 <x@y>: unknown").
        catch (SmtpCommandException ex)
        {
            throw new MessageDeliveryException($"SMTP {(int)ex.StatusCode} ({ex.ErrorCode})", ex);
        }
        catch (AuthenticationException ex)
        {
            throw new MessageDeliveryException("SMTP authentication failed", ex);
        }
        catch (SslHandshakeException ex)
        {
            throw new MessageDeliveryException("SMTP TLS handshake failed", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MessageDeliveryException("SMTP server does not offer STARTTLS", ex);
        }
        catch (SocketException ex)
        {
            throw new MessageDeliveryException($"SMTP connection failed ({ex.SocketErrorCode})", ex);
        }
        catch (ProtocolException ex)
        {
            throw new MessageDeliveryException("SMTP protocol error", ex);
        }
    }
}
