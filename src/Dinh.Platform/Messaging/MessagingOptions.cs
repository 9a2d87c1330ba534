using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Dinh.Platform.Messaging;

/// <summary>Bound from <c>Dinh:Messaging</c>.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Dinh:Messaging";
    public const string DevelopmentSender = "Development";

    /// <summary>Whether this instance sends. Off, messages still queue up for an instance that does.</summary>
    public bool Dispatch { get; set; } = true;

    public int BatchSize { get; set; } = 10;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed message stays reserved for the dispatcher sending it; then another may take it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one send may take. A batch is sent concurrently, so a batch takes at most this long.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait after the first failure; each further wait is six times longer, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the body of a sent (or dead) message is kept: the development mailbox shows it meanwhile.</summary>
    public TimeSpan BodyRetention { get; set; } = TimeSpan.FromHours(24);

    public EmailOptions Email { get; set; } = new();
    public SmsOptions Sms { get; set; } = new();

    /// <summary>10 s, 1 min, 6 min, 36 min, then <see cref="MaxRetryDelay"/> (with the defaults).</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var delay = FirstRetryDelay;
        for (var i = 1; i < attempts && delay < MaxRetryDelay; i++)
        {
            delay = delay > MaxRetryDelay / 6 ? MaxRetryDelay : delay * 6;
        }
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    public string? SenderFor(MessageChannel channel) => channel switch
    {
        MessageChannel.Sms => Sms.Sender,
        MessageChannel.Email => Email.Sender,
        _ => null,
    };
}

public sealed class EmailOptions
{
    /// <summary><c>Development</c> (the default in Development) or <c>Smtp</c>.</summary>
    public string? Sender { get; set; }

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>Upgrade with STARTTLS, and refuse a server that does not offer it. Off: port 465 is TLS from the start, any other port is plain.</summary>
    public bool UseStartTls { get; set; } = true;

    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>The sender's address, e.g. <c>Dinh &lt;no-reply@dinh.gov.vn&gt;</c>.</summary>
    public string? From { get; set; }
}

public sealed class SmsOptions
{
    /// <summary><c>Development</c> (the default in Development) or <c>Http</c>.</summary>
    public string? Sender { get; set; }

    public HttpSmsOptions Http { get; set; } = new();
}

public sealed class HttpSmsOptions
{
    /// <summary>Where the gateway takes <c>POST {"to", "text", "reference"}</c>. HTTPS, except on loopback.</summary>
    public Uri? Url { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c>.</summary>
    public string? BearerToken { get; set; }
}

/// <summary>
/// Checked when the host starts, so only where messages are sent (<c>serve</c>, with <c>Dispatch</c> on): the other
/// verbs never start the host and need no sender. Outside Development a missing sender is an error, never a silent drop.
/// </summary>
internal sealed class MessagingOptionsValidator(IHostEnvironment environment, Func<IEnumerable<IMessageSender>> registeredSenders)
    : IValidateOptions<MessagingOptions>
{
    // The senders are looked up when validating, not injected: they read these options themselves (a cycle).
    public MessagingOptionsValidator(IHostEnvironment environment, IServiceProvider services)
        : this(environment, services.GetServices<IMessageSender>)
    {
    }

    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        if (!options.Dispatch)
        {
            return ValidateOptionsResult.Success;
        }
        var senders = registeredSenders().ToList();
        var failures = new List<string>();
        if (options.BatchSize is < 1 or > 100)
        {
            failures.Add("Dinh:Messaging:BatchSize (env Dinh__Messaging__BatchSize) must be between 1 and 100.");
        }
        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add("Dinh:Messaging:PollInterval (env Dinh__Messaging__PollInterval) must be between 00:00:00.010 and 00:05:00.");
        }
        if (options.SendTimeout < TimeSpan.FromMilliseconds(100))
        {
            failures.Add("Dinh:Messaging:SendTimeout (env Dinh__Messaging__SendTimeout) must be at least 00:00:00.100.");
        }
        if (options.Lease < 2 * options.SendTimeout)
        {
            // Otherwise another instance could take a message that is still being sent, and send it twice.
            failures.Add("Dinh:Messaging:Lease (env Dinh__Messaging__Lease) must be at least twice Dinh:Messaging:SendTimeout.");
        }
        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add("Dinh:Messaging:MaxAttempts (env Dinh__Messaging__MaxAttempts) must be between 1 and 100.");
        }
        if (options.FirstRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.FirstRetryDelay)
        {
            failures.Add("Dinh:Messaging:FirstRetryDelay must be positive and Dinh:Messaging:MaxRetryDelay at least as long " +
                "(env Dinh__Messaging__FirstRetryDelay, Dinh__Messaging__MaxRetryDelay).");
        }
        if (options.BodyRetention < TimeSpan.Zero)
        {
            failures.Add("Dinh:Messaging:BodyRetention (env Dinh__Messaging__BodyRetention) must not be negative.");
        }
        ValidateSender(senders, MessageChannel.Email, "Email", options.Email.Sender, failures);
        ValidateSender(senders, MessageChannel.Sms, "Sms", options.Sms.Sender, failures);
        if (IsChosen(options.Email.Sender, SmtpEmailSender.SenderName))
        {
            ValidateSmtp(options.Email.Smtp, failures);
        }
        if (IsChosen(options.Sms.Sender, HttpSmsSender.SenderName))
        {
            ValidateHttp(options.Sms.Http, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateSender(List<IMessageSender> senders, MessageChannel channel, string key, string? chosen, List<string> failures)
    {
        var setting = $"Dinh:Messaging:{key}:Sender (env Dinh__Messaging__{key}__Sender)";
        var available = senders.Where(s => s.Channel == channel && !IsChosen(s.Name, MessagingOptions.DevelopmentSender))
            .Select(s => $"'{s.Name}'").Distinct().ToList();
        var choices = string.Join(" or ", available);
        if (string.IsNullOrWhiteSpace(chosen))
        {
            failures.Add($"{setting} is required outside Development: {choices} " +
                "(or Dinh__Messaging__Dispatch=false on an instance that sends nothing).");
        }
        else if (IsChosen(chosen, MessagingOptions.DevelopmentSender) && !environment.IsDevelopment())
        {
            failures.Add($"{setting} is 'Development', which delivers nothing; it is allowed only in the Development environment. Use {choices}.");
        }
        else if (!senders.Any(s => s.Channel == channel && IsChosen(chosen, s.Name)))
        {
            failures.Add($"{setting} is '{chosen}'; expected {choices} or 'Development'.");
        }
    }

    private static void ValidateSmtp(SmtpOptions smtp, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            failures.Add("Dinh:Messaging:Email:Smtp:Host (env Dinh__Messaging__Email__Smtp__Host) is required for the Smtp sender.");
        }
        if (smtp.Port is < 1 or > 65535)
        {
            failures.Add("Dinh:Messaging:Email:Smtp:Port (env Dinh__Messaging__Email__Smtp__Port) must be between 1 and 65535.");
        }
        if (string.IsNullOrWhiteSpace(smtp.From) || !MailboxAddress.TryParse(smtp.From, out _))
        {
            failures.Add("Dinh:Messaging:Email:Smtp:From (env Dinh__Messaging__Email__Smtp__From) must be a sender address, e.g. 'Dinh <no-reply@example.gov.vn>'.");
        }
        if (!string.IsNullOrEmpty(smtp.UserName) && !smtp.UseStartTls && smtp.Port != SmtpEmailSender.ImplicitTlsPort)
        {
            failures.Add("Dinh:Messaging:Email:Smtp:UserName is set but the connection would be plain (UseStartTls=false on a port other than 465): " +
                "the password would cross the network in clear. Set Dinh__Messaging__Email__Smtp__UseStartTls=true or use port 465.");
        }
    }

    private static void ValidateHttp(HttpSmsOptions http, List<string> failures)
    {
        if (http.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && IsLoopback(url))))
        {
            failures.Add("Dinh:Messaging:Sms:Http:Url (env Dinh__Messaging__Sms__Http__Url) must be the gateway's https:// address (http:// only on loopback).");
        }
        if (string.IsNullOrWhiteSpace(http.BearerToken))
        {
            failures.Add("Dinh:Messaging:Sms:Http:BearerToken (env Dinh__Messaging__Sms__Http__BearerToken) is required for the Http sender.");
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsChosen(string? chosen, string name) => string.Equals(chosen, name, StringComparison.OrdinalIgnoreCase);
}
