using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dinh.Platform.Messaging;
using Dinh.Platform.Persistence;
using Dinh.Registry.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using MimeKit;

namespace Dinh.Tests.Platform;

/// <summary>
/// The outbox through the front door: modules queue with their change, dispatchers (other instances on the same
/// database) send. The fixture's own instance does not dispatch, so each test starts the dispatchers it needs,
/// with the sender it needs, and stops them at the end. Tests tell their messages apart by kind.
/// </summary>
public abstract class OutboxTests(DinhApp fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private DinhApp App => fixture.Require();

    [Fact]
    public async Task A_message_queued_in_a_transaction_that_rolls_back_is_never_sent()
    {
        var rolledBack = NewPhone();
        await using (var scope = App.Factory.Services.CreateAsyncScope())
        {
            // Through a module's context: the outbox is mapped into every module's unit of work.
            var registry = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            await using var transaction = await registry.Database.BeginTransactionAsync();
            registry.Send(new OutgoingMessage(MessageChannel.Sms, rolledBack, null, "Mã xác thực: 111111", "test.rollback"));
            await registry.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        var committed = await QueueAsync(new OutgoingMessage(MessageChannel.Sms, NewPhone(), null, "Mã xác thực: 222222", "test.rollback"));
        var sender = new RecordingSender(MessageChannel.Sms, "Recording");

        await WithDispatcherAsync(sender, Settings(("Dinh:Messaging:Sms:Sender", "Recording")), async _ =>
        {
            // Claimed in queue order: by the time the later, committed message is sent, the other would have been too.
            await WaitForAsync(committed, m => m.Status == MessageStatus.Sent);
        });

        Assert.Equal([committed], sender.Deliveries.Where(d => d.Kind == "test.rollback").Select(d => d.Id));
        Assert.False(await App.WithPlatformDbAsync(db => db.OutboxMessages.AnyAsync(m => m.Recipient == rolledBack)));
    }

    [Fact]
    public async Task A_committed_message_is_delivered_once_to_the_development_mailbox()
    {
        var recipient = $"citizen.{Guid.NewGuid():N}@example.vn";
        const string Body = "Mã xác thực của bạn là 482913. Không chia sẻ mã này.";
        var logs = new LogSink();
        var (instance, address) = await App.StartInstanceAsync(logs, Settings());
        try
        {
            // Queued through the dispatching instance's own context: its signal wakes the dispatcher.
            var first = await QueueAsync(instance.Services,
                new OutgoingMessage(MessageChannel.Email, recipient, "Mã xác thực Dinh", Body, "test.mailbox"));
            var second = await QueueAsync(instance.Services,
                new OutgoingMessage(MessageChannel.Email, recipient, "Thông báo", "Hồ sơ của bạn đã được tiếp nhận.", "test.mailbox.notice"));
            var sent = await WaitForAsync(first, m => m.Status == MessageStatus.Sent);
            await WaitForAsync(second, m => m.Status == MessageStatus.Sent);
            // Later polls must leave it alone: still one attempt, same time.
            await WaitForAsync(await QueueAsync(instance.Services,
                new OutgoingMessage(MessageChannel.Sms, NewPhone(), null, "x", "test.mailbox.later")), m => m.Status == MessageStatus.Sent);
            var again = await App.WithPlatformDbAsync(db => db.OutboxMessages.SingleAsync(m => m.Id == first));

            using var client = App.CreateClient(address);
            using var latest = await client.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString(recipient)}&kind=test.mailbox");
            using var none = await client.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString(recipient)}&kind=test.nothing");
            var page = await client.GetStringAsync("/dev/mailbox");

            Assert.Equal(1, sent.Attempts);
            Assert.Equal(MessagingOptions.DevelopmentSender, sent.Sender);
            Assert.NotNull(sent.SentAt);
            Assert.Null(sent.NextAttemptAt);
            Assert.Equal((1, sent.SentAt), (again.Attempts, again.SentAt));

            Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
            Assert.Contains("no-store", latest.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            var json = JsonDocument.Parse(await latest.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(first, json.GetProperty("id").GetGuid());
            Assert.Equal("Email", json.GetProperty("channel").GetString());
            Assert.Equal(recipient, json.GetProperty("recipient").GetString());
            Assert.Equal("Mã xác thực Dinh", json.GetProperty("subject").GetString());
            Assert.Equal(Body, json.GetProperty("body").GetString());
            Assert.Equal("test.mailbox", json.GetProperty("kind").GetString());
            Assert.Equal("Sent", json.GetProperty("status").GetString());
            Assert.True(json.TryGetProperty("createdAt", out _));
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

            Assert.Contains("<h1>Hộp thư phát triển</h1>", page, StringComparison.Ordinal);
            Assert.Contains(Body, page, StringComparison.Ordinal);
            // Newest first.
            Assert.True(page.IndexOf("Hồ sơ của bạn đã được tiếp nhận.", StringComparison.Ordinal) < page.IndexOf(Body, StringComparison.Ordinal));

            Assert.Contains(logs.Lines, l => l.Contains(first.ToString(), StringComparison.Ordinal) && l.Contains("sent by Development", StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Lines, l => l.Contains(recipient, StringComparison.Ordinal) || l.Contains("482913", StringComparison.Ordinal));
        }
        finally
        {
            await App.StopInstanceAsync(instance);
        }
    }

    [Fact]
    public async Task Saving_a_message_wakes_the_dispatcher_of_the_same_instance_without_waiting_for_the_poll()
    {
        var (instance, _) = await App.StartInstanceAsync(settings: Settings(("Dinh:Messaging:PollInterval", "00:05:00")));
        try
        {
            // Let the dispatcher finish its first look at the queue and settle into its five-minute wait.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var id = await QueueAsync(instance.Services, new OutgoingMessage(MessageChannel.Sms, NewPhone(), null, "Mã: 888888", "test.signal"));

            await WaitForAsync(id, m => m.Status == MessageStatus.Sent, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await App.StopInstanceAsync(instance);
        }
    }

    [Fact]
    public async Task A_failing_sender_is_retried_with_growing_delays_until_the_message_is_dead()
    {
        var recipient = NewPhone();
        // The gateway's own text quotes the number: it must reach neither the row nor the log.
        var sender = new RecordingSender(MessageChannel.Sms, "Failing",
            message => throw new InvalidOperationException($"gateway refused {message.Recipient}"));
        var logs = new LogSink();
        var id = await QueueAsync(new OutgoingMessage(MessageChannel.Sms, recipient, null, "Mã xác thực: 333333", "test.retry"));

        OutboxMessage dead = null!;
        await WithDispatcherAsync(sender, Settings(
            ("Dinh:Messaging:Sms:Sender", "Failing"),
            ("Dinh:Messaging:MaxAttempts", "3"),
            ("Dinh:Messaging:FirstRetryDelay", "00:00:00.300"),
            ("Dinh:Messaging:MaxRetryDelay", "00:01:00")), async _ =>
        {
            dead = await WaitForAsync(id, m => m.Status == MessageStatus.Dead);
        }, logs);

        var attempts = sender.Deliveries.Where(d => d.Id == id).Select(d => d.At).ToList();
        Assert.Equal(3, attempts.Count);
        // 300 ms after the first failure, 6 × 300 ms after the second.
        Assert.InRange(attempts[1] - attempts[0], TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(30));
        Assert.InRange(attempts[2] - attempts[1], TimeSpan.FromMilliseconds(1800), TimeSpan.FromSeconds(30));
        Assert.Equal(3, dead.Attempts);
        Assert.Null(dead.NextAttemptAt);
        Assert.Null(dead.SentAt);
        Assert.Equal("InvalidOperationException", dead.LastError);
        Assert.Equal("Failing", dead.Sender);
        Assert.Contains(logs.Lines, l => l.Contains($"Message {id} (test.retry, Sms) is dead after 3 attempts", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(recipient, StringComparison.Ordinal) || l.Contains("333333", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_dispatchers_on_one_database_send_each_of_200_messages_exactly_once()
    {
        var deliveries = new ConcurrentQueue<Delivery>();
        var bothBusy = new Rendezvous(2);
        var settings = Settings(("Dinh:Messaging:Sms:Sender", "Counting"), ("Dinh:Messaging:BatchSize", "5"));
        var (first, _) = await App.StartInstanceAsync(settings: settings,
            services: s => s.AddSingleton<IMessageSender>(new RecordingSender(MessageChannel.Sms, "Counting", deliveries, "first", bothBusy)));
        var (second, _) = await App.StartInstanceAsync(settings: settings,
            services: s => s.AddSingleton<IMessageSender>(new RecordingSender(MessageChannel.Sms, "Counting", deliveries, "second", bothBusy)));
        try
        {
            var ids = await QueueAsync(Enumerable.Range(0, 200)
                .Select(i => new OutgoingMessage(MessageChannel.Sms, NewPhone(), null, $"Thông báo số {i}", "test.concurrent")).ToArray());

            await WaitUntilAsync(async () => await App.WithPlatformDbAsync(db =>
                db.OutboxMessages.CountAsync(m => m.Kind == "test.concurrent" && m.Status == MessageStatus.Sent)) == 200, "all 200 sent");

            var sent = deliveries.Where(d => d.Kind == "test.concurrent").ToList();
            Assert.Equal(ids.Order(), sent.Select(d => d.Id).Order());
            Assert.Equal(200, sent.Count);
            // Each dispatcher held a batch while the other claimed: they really ran at the same time.
            Assert.True(bothBusy.Met, "the two dispatchers never had batches in flight together");
            Assert.Contains(sent, d => d.Instance == "first");
            Assert.Contains(sent, d => d.Instance == "second");
            Assert.Equal(200, await App.WithPlatformDbAsync(db =>
                db.OutboxMessages.CountAsync(m => m.Kind == "test.concurrent" && m.Attempts == 1)));
        }
        finally
        {
            await App.StopInstanceAsync(first);
            await App.StopInstanceAsync(second);
        }
    }

    [Fact]
    public async Task The_HTTP_SMS_sender_posts_JSON_with_the_bearer_token_and_retries_a_refusal()
    {
        await using var gateway = await FakeSmsGateway.StartAsync(refuseFirst: 1);
        var recipient = NewPhone();
        var id = await QueueAsync(new OutgoingMessage(MessageChannel.Sms, recipient, null, "Mã xác thực: 444444", "test.http"));

        OutboxMessage sent = null!;
        await WithDispatcherAsync(null, Settings(
            ("Dinh:Messaging:Sms:Sender", "Http"),
            ("Dinh:Messaging:Sms:Http:Url", gateway.Url),
            ("Dinh:Messaging:Sms:Http:BearerToken", "gateway-token-123"),
            ("Dinh:Messaging:FirstRetryDelay", "00:00:00.200")), async _ =>
        {
            sent = await WaitForAsync(id, m => m.Status == MessageStatus.Sent);
        });

        var requests = gateway.Requests.Where(r => r.Body.Contains(id.ToString(), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count);
        foreach (var request in requests)
        {
            Assert.Equal("Bearer gateway-token-123", request.Authorization);
            Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
            var json = JsonDocument.Parse(request.Body).RootElement;
            Assert.Equal(recipient, json.GetProperty("to").GetString());
            Assert.Equal("Mã xác thực: 444444", json.GetProperty("text").GetString());
            Assert.Equal(id.ToString(), json.GetProperty("reference").GetString());
        }
        Assert.Equal(2, sent.Attempts);
        Assert.Equal("Http", sent.Sender);
        // The refusal that came before, in words without the number.
        Assert.Equal("HTTP 503", sent.LastError);
    }

    [Fact]
    public async Task The_SMTP_sender_delivers_a_MIME_message_to_the_relay()
    {
        await using var relay = FakeSmtpRelay.Start();
        var recipient = $"citizen.{Guid.NewGuid():N}@example.vn";
        var id = await QueueAsync(new OutgoingMessage(MessageChannel.Email, recipient, "Đặt lại mật khẩu",
            "Mã đặt lại mật khẩu: 555555", "test.smtp"));

        await WithDispatcherAsync(null, Settings(
            ("Dinh:Messaging:Email:Sender", "Smtp"),
            ("Dinh:Messaging:Email:Smtp:Host", "127.0.0.1"),
            ("Dinh:Messaging:Email:Smtp:Port", relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Dinh:Messaging:Email:Smtp:UseStartTls", "false"),
            ("Dinh:Messaging:Email:Smtp:From", "Dinh <no-reply@dinh.test>")), async _ =>
        {
            await WaitForAsync(id, m => m.Status == MessageStatus.Sent);
        });

        var delivered = Assert.Single(relay.Messages, m => m.Recipients.Contains($"<{recipient}>"));
        using var mime = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(delivered.Data)));
        Assert.Equal("Đặt lại mật khẩu", mime.Subject);
        Assert.Equal(recipient, Assert.Single(mime.To.Mailboxes).Address);
        Assert.Equal("no-reply@dinh.test", Assert.Single(mime.From.Mailboxes).Address);
        Assert.Equal("Mã đặt lại mật khẩu: 555555", mime.TextBody?.TrimEnd());
        Assert.Equal($"{id:N}@dinh.test", mime.MessageId);
    }

    [Fact]
    public async Task The_SMTP_sender_never_falls_back_to_plain_text_when_STARTTLS_is_required()
    {
        await using var relay = FakeSmtpRelay.Start();
        var id = await QueueAsync(new OutgoingMessage(MessageChannel.Email, $"c.{Guid.NewGuid():N}@example.vn", "x", "Mã: 666666", "test.starttls"));

        OutboxMessage dead = null!;
        await WithDispatcherAsync(null, Settings(
            ("Dinh:Messaging:Email:Sender", "Smtp"),
            ("Dinh:Messaging:Email:Smtp:Host", "127.0.0.1"),
            ("Dinh:Messaging:Email:Smtp:Port", relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Dinh:Messaging:Email:Smtp:From", "no-reply@dinh.test"),
            ("Dinh:Messaging:MaxAttempts", "1")), async _ =>
        {
            dead = await WaitForAsync(id, m => m.Status == MessageStatus.Dead);
        });

        Assert.Equal("SMTP server does not offer STARTTLS", dead.LastError);
        Assert.Empty(relay.Messages);
    }

    [Fact]
    public async Task Bodies_are_erased_once_settled_and_older_than_the_retention_window()
    {
        var id = await QueueAsync(new OutgoingMessage(MessageChannel.Sms, NewPhone(), null, "Mã xác thực: 777777", "test.retention"));

        OutboxMessage erased = null!;
        await WithDispatcherAsync(null, Settings(("Dinh:Messaging:BodyRetention", "00:00:00")), async _ =>
        {
            erased = await WaitForAsync(id, m => m.Status == MessageStatus.Sent && m.Body.Length == 0);
        });

        Assert.Equal("test.retention", erased.Kind);
        Assert.NotNull(erased.SentAt);
    }

    [Fact]
    public async Task Outside_Development_the_mailbox_page_and_endpoint_do_not_exist()
    {
        var (production, address) = await App.StartInstanceAsync(settings: new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Dinh:Services:AllowDevelopmentAdapters"] = "true",
        });
        try
        {
            using var development = App.CreateClient();
            using var client = App.CreateClient(address);
            using var developmentPage = await development.GetAsync("/dev/mailbox");
            using var page = await client.GetAsync("/dev/mailbox");
            using var latest = await client.GetAsync("/dev/mailbox/latest");

            Assert.Equal(HttpStatusCode.OK, developmentPage.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, latest.StatusCode);
        }
        finally
        {
            await App.StopInstanceAsync(production);
        }
    }

    [Fact]
    public async Task Outside_Development_serve_without_senders_stops_with_one_line_but_db_migrate_needs_none()
    {
        var database = new Dictionary<string, string>
        {
            ["Dinh__Database__Provider"] = App.Provider,
            ["ConnectionStrings__Dinh"] = App.ConnectionString,
        };

        var migrate = await DinhApp.RunDinhAsync(database, "db", "migrate");
        var serve = await DinhApp.RunDinhAsync(database, "serve", "--urls", "http://127.0.0.1:0");

        Assert.True(migrate.ExitCode == 0, migrate.Output + migrate.Error);
        Assert.Equal(2, serve.ExitCode);
        var line = Assert.Single(serve.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dinh: configuration error:", line, StringComparison.Ordinal);
        Assert.Contains("Dinh__Messaging__Email__Sender", line, StringComparison.Ordinal);
        Assert.Contains("Dinh__Messaging__Sms__Sender", line, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Dinh:Messaging:Dispatch"] = "true",
            ["Dinh:Messaging:PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return all;
    }

    /// <summary>Runs <paramref name="test"/> while one dispatching instance (with <paramref name="sender"/> registered) runs.</summary>
    private async Task WithDispatcherAsync(IMessageSender? sender, Dictionary<string, string?> settings, Func<DinhFactory, Task> test, LogSink? logs = null)
    {
        var (instance, _) = await App.StartInstanceAsync(logs, settings,
            sender is null ? null : services => services.AddSingleton(sender));
        try
        {
            await test(instance);
        }
        finally
        {
            await App.StopInstanceAsync(instance);
        }
    }

    private Task<Guid> QueueAsync(OutgoingMessage message) => QueueAsync(App.Factory.Services, message);

    private static async Task<Guid> QueueAsync(IServiceProvider services, OutgoingMessage message) =>
        (await QueueAsync(services, [message])).Single();

    private Task<List<Guid>> QueueAsync(OutgoingMessage[] messages) => QueueAsync(App.Factory.Services, messages);

    private static async Task<List<Guid>> QueueAsync(IServiceProvider services, OutgoingMessage[] messages)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        foreach (var message in messages)
        {
            db.Send(message);
        }
        await db.SaveChangesAsync();
        return db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity.Id).ToList();
    }

    private async Task<OutboxMessage> WaitForAsync(Guid id, Func<OutboxMessage, bool> condition, TimeSpan? patience = null)
    {
        OutboxMessage? current = null;
        await WaitUntilAsync(async () =>
        {
            current = await App.WithPlatformDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id));
            return condition(current);
        }, $"message {id} to reach the expected state", patience);
        return current!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var limit = patience ?? Patience;
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit} waiting for {what}.");
            }
            await Task.Delay(50);
        }
    }

    private static string NewPhone() => $"+849{Random.Shared.Next(10_000_000, 99_999_999)}";
}

public sealed class OutboxTestsOnSqlite(OutboxSqliteApp app) : OutboxTests(app), IClassFixture<OutboxSqliteApp>;

public sealed class OutboxTestsOnPostgres(OutboxPostgresApp app) : OutboxTests(app), IClassFixture<OutboxPostgresApp>;

/// <summary>A fixture whose own instance queues but does not send: the tests start the dispatchers.</summary>
public sealed class OutboxSqliteApp : DinhApp
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Dinh:Messaging:Dispatch"] = "false" };

    protected override Task<TestDatabase?> CreateDatabaseAsync() => Task.FromResult<TestDatabase?>(TestDatabase.CreateSqlite());
}

public sealed class OutboxPostgresApp : DinhApp
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Dinh:Messaging:Dispatch"] = "false" };

    protected override Task<TestDatabase?> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();
}

/// <summary>Rules that need no database: what may be queued, the retry schedule, and which configurations start.</summary>
public sealed class MessagingRulesTests
{
    [Theory]
    [InlineData(MessageChannel.Sms, "0912345678", null)]
    [InlineData(MessageChannel.Sms, "+84 912 345 678", null)]
    [InlineData(MessageChannel.Sms, "+84912345678", "a subject")]
    [InlineData(MessageChannel.Email, "name@localhost", null)]
    [InlineData(MessageChannel.Email, "Tên <name@example.vn>", null)]
    [InlineData(MessageChannel.Email, "a@example.vn, b@example.vn", null)]
    [InlineData(MessageChannel.Email, "a@example.vn\r\nBcc: b@example.vn", null)]
    public void A_recipient_that_does_not_fit_the_channel_is_refused(MessageChannel channel, string recipient, string? subject)
    {
        var ex = Assert.Throws<ArgumentException>(() => OutboxMessage.Create(new OutgoingMessage(channel, recipient, subject, "body", "notice"), DateTimeOffset.UnixEpoch));

        Assert.DoesNotContain(recipient, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("OTP")]
    [InlineData("otp phone")]
    [InlineData("otp.")]
    public void A_kind_must_be_a_short_stable_name(string kind)
    {
        Assert.Throws<ArgumentException>(() => OutboxMessage.Create(new OutgoingMessage(MessageChannel.Sms, "+84912345678", null, "body", kind), DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_valid_message_is_queued_due_now()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var message = OutboxMessage.Create(new OutgoingMessage(MessageChannel.Email, "a.b@example.gov.vn", "Chủ đề", "Nội dung", "password.reset"), now);

        Assert.Equal((MessageStatus.Pending, 0, now, now), (message.Status, message.Attempts, message.CreatedAt, message.NextAttemptAt));
        Assert.Equal(7, message.Id.Version);
    }

    [Fact]
    public void Retries_wait_10_seconds_then_six_times_longer_each_time_up_to_an_hour()
    {
        var options = new MessagingOptions();

        var delays = Enumerable.Range(1, 7).Select(options.RetryDelay).ToList();

        Assert.Equal(
            [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(36), TimeSpan.FromHours(1), TimeSpan.FromHours(1), TimeSpan.FromHours(1)],
            delays);
    }

    [Fact]
    public void Outside_Development_a_missing_sender_is_an_error_for_each_channel()
    {
        var failures = Validate("Production", new MessagingOptions());

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Dinh:Messaging:Email:Sender (env Dinh__Messaging__Email__Sender) is required outside Development: 'Smtp'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Dinh:Messaging:Sms:Sender (env Dinh__Messaging__Sms__Sender) is required outside Development: 'Http'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_instance_that_does_not_dispatch_needs_no_sender()
    {
        Assert.Empty(Validate("Production", new MessagingOptions { Dispatch = false }));
    }

    [Fact]
    public void The_development_sender_is_refused_outside_Development()
    {
        var options = Configured();
        options.Sms.Sender = "Development";

        var failure = Assert.Single(Validate("Production", options));
        Assert.Contains("allowed only in the Development environment", failure, StringComparison.Ordinal);
        Assert.Empty(Validate("Development", options));
    }

    [Fact]
    public void An_unknown_sender_name_is_refused_naming_the_choices()
    {
        var options = Configured();
        options.Sms.Sender = "Carrier";

        var failure = Assert.Single(Validate("Production", options));
        Assert.Contains("is 'Carrier'; expected 'Http' or 'Development'", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(25, false, true)]
    [InlineData(587, false, true)]
    [InlineData(587, true, false)]
    [InlineData(465, false, false)]
    public void SMTP_credentials_are_refused_on_a_plain_connection(int port, bool startTls, bool refused)
    {
        var options = Configured();
        options.Email.Smtp.Port = port;
        options.Email.Smtp.UseStartTls = startTls;
        options.Email.Smtp.UserName = "dinh";

        var failures = Validate("Production", options);

        Assert.Equal(refused, failures.Any(f => f.Contains("in clear", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("https://sms.example.vn/send", true)]
    [InlineData("http://127.0.0.1:9000/send", true)]
    [InlineData("http://localhost:9000/send", true)]
    [InlineData("http://sms.example.vn/send", false)]
    [InlineData("/send", false)]
    public void The_SMS_gateway_must_be_HTTPS_except_on_loopback(string url, bool accepted)
    {
        var options = Configured();
        options.Sms.Http.Url = new Uri(url, UriKind.RelativeOrAbsolute);

        Assert.Equal(accepted, Validate("Production", options).Count == 0);
    }

    [Fact]
    public void Missing_SMTP_and_gateway_settings_are_named()
    {
        var options = new MessagingOptions();
        options.Email.Sender = "Smtp";
        options.Sms.Sender = "Http";

        var failures = Validate("Production", options);

        Assert.Contains(failures, f => f.Contains("Dinh__Messaging__Email__Smtp__Host", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Dinh__Messaging__Email__Smtp__From", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Dinh__Messaging__Sms__Http__Url", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Dinh__Messaging__Sms__Http__BearerToken", StringComparison.Ordinal));
    }

    private static MessagingOptions Configured()
    {
        var options = new MessagingOptions();
        options.Email.Sender = "Smtp";
        options.Email.Smtp.Host = "smtp.example.vn";
        options.Email.Smtp.From = "Dinh <no-reply@example.vn>";
        options.Sms.Sender = "Http";
        options.Sms.Http.Url = new Uri("https://sms.example.vn/send");
        options.Sms.Http.BearerToken = "token";
        return options;
    }

    private static List<string> Validate(string environment, MessagingOptions options)
    {
        IMessageSender[] senders =
        [
            new DevelopmentSender(MessageChannel.Email), new DevelopmentSender(MessageChannel.Sms),
            new SmtpEmailSender(null!), new HttpSmsSender(null!, null!),
        ];
        var result = new MessagingOptionsValidator(new FakeEnvironment(environment), () => senders).Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    private sealed class FakeEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "dinh";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

public sealed record Delivery(Guid Id, string Kind, string Recipient, DateTimeOffset At, string Instance);

/// <summary>A hand-written sender: records every call, then does what the test says (nothing, or throw).</summary>
internal sealed class RecordingSender(
    MessageChannel channel, string name, ConcurrentQueue<Delivery>? deliveries = null, string instance = "", Rendezvous? rendezvous = null)
    : IMessageSender
{
    private readonly Func<OutboxMessage, Task>? _behaviour;

    public RecordingSender(MessageChannel channel, string name, Func<OutboxMessage, Task> behaviour)
        : this(channel, name)
    {
        _behaviour = behaviour;
    }

    public ConcurrentQueue<Delivery> Deliveries { get; } = deliveries ?? new();

    public MessageChannel Channel => channel;

    public string Name => name;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        if (rendezvous is not null)
        {
            await rendezvous.ArriveAsync(instance);
        }
        Deliveries.Enqueue(new Delivery(message.Id, message.Kind, message.Recipient, TimeProvider.System.GetUtcNow(), instance));
        if (_behaviour is not null)
        {
            await _behaviour(message);
        }
    }
}

/// <summary>Holds each party at its first arrival until all have arrived (or 20 s passed), so their work overlaps.</summary>
internal sealed class Rendezvous(int parties)
{
    private readonly ConcurrentDictionary<string, bool> _arrived = new();
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Met => _all.Task.IsCompletedSuccessfully;

    public async Task ArriveAsync(string party)
    {
        if (_arrived.TryAdd(party, true) && _arrived.Count >= parties)
        {
            _all.TrySetResult();
        }
        try
        {
            await _all.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Met stays false and the test says so.
        }
    }
}

/// <summary>An SMS gateway on loopback that records what it receives and refuses the first calls with 503.</summary>
internal sealed class FakeSmsGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _refusals;

    private FakeSmsGateway(WebApplication app, int refusals)
    {
        _app = app;
        _refusals = refusals;
    }

    public ConcurrentQueue<(string? Authorization, string? ContentType, string Body)> Requests { get; } = new();

    public string Url => _app.Urls.First() + "/send";

    public static async Task<FakeSmsGateway> StartAsync(int refuseFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var gateway = new FakeSmsGateway(app, refuseFirst);
        app.MapPost("/send", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            gateway.Requests.Enqueue((request.Headers.Authorization.ToString(), request.ContentType, await reader.ReadToEndAsync()));
            return Interlocked.Decrement(ref gateway._refusals) >= 0
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Accepted();
        });
        await app.StartAsync();
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Just enough SMTP on loopback for one client at a time: no extensions (so no STARTTLS, no 8BITMIME), every
/// command accepted, each message's envelope and data kept.
/// </summary>
internal sealed class FakeSmtpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<(List<string> Recipients, string Data)> Messages { get; } = new();

    public static FakeSmtpRelay Start()
    {
        var relay = new FakeSmtpRelay();
        relay._listener.Start();
        relay._serving = relay.ServeAsync();
        return relay;
    }

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 relay.test fake SMTP");
                var recipients = new List<string>();
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    if (verb == "QUIT")
                    {
                        await writer.WriteLineAsync("221 bye");
                        break;
                    }
                    if (verb == "RCPT")
                    {
                        recipients.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                    }
                    if (verb == "DATA")
                    {
                        await writer.WriteLineAsync("354 go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }
                        Messages.Enqueue((recipients, data.ToString()));
                        recipients = [];
                        await writer.WriteLineAsync("250 queued");
                        continue;
                    }
                    await writer.WriteLineAsync(verb is "EHLO" or "HELO" ? "250 relay.test" : "250 ok");
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _listener.Dispose();
        _stop.Dispose();
    }
}
