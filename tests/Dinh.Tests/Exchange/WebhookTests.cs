using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dinh.Exchange.Events;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Exchange;

/// <summary>A member's webhook endpoint on loopback: answers 500 while "down", checks signatures and keeps what it received.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private string _secret = "";

    public ConcurrentDictionary<Guid, JsonElement> Received { get; } = new();

    /// <summary>How many times each event was accepted (a repeat means a duplicate delivery).</summary>
    public ConcurrentDictionary<Guid, int> Deliveries { get; } = new();
    private int _refused;
    private int _badSignatures;
    private volatile bool _down;

    public int Refused => Volatile.Read(ref _refused);
    public int BadSignatures => Volatile.Read(ref _badSignatures);
    public bool Down { get => _down; set => _down = value; }

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (receiver.Down)
            {
                Interlocked.Increment(ref receiver._refused);
                return Results.StatusCode(500);
            }
            if (!receiver.Verify(http.Request.Headers["Dinh-Signature"].ToString(), body))
            {
                Interlocked.Increment(ref receiver._badSignatures);
                return Results.StatusCode(401);
            }
            var json = JsonDocument.Parse(body).RootElement.Clone();
            receiver.Received[json.GetProperty("id").GetGuid()] = json;
            receiver.Deliveries.AddOrUpdate(json.GetProperty("id").GetGuid(), 1, (_, n) => n + 1);
            return Results.NoContent();
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
        return receiver;
    }

    public void UseSecret(string secret) => _secret = secret;

    // As docs/exchange.md tells a member to check it: t=…,v1=hex(HMAC-SHA256(secret, t + "." + body)).
    private bool Verify(string header, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1))
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public abstract class WebhookTests(DinhApp fixture)
{
    [Fact]
    public async Task Events_reach_a_subscriber_that_was_down_signed_once_each_and_a_dead_endpoint_is_parked_for_administrators()
    {
        var app = fixture.Require();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var dead = await WebhookReceiver.StartAsync();
        dead.Down = true;
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "BHXHHOOK");
        using var deadMember = await ExchangeDriver.RegisterMemberAsync(app, "DEADHOOK");
        await member.GrantAsync(Datasets.Events, "birth death", "social-insurance-enrolment");
        await deadMember.GrantAsync(Datasets.Events, "birth", "social-insurance-enrolment");
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<MemberAdministration>();
            var (error, secret) = await admin.SetWebhookAsync(member.Identifier, receiver.Url, "system:test", CancellationToken.None);
            Assert.Null(error);
            receiver.UseSecret(secret!);
            Assert.Null((await admin.SetWebhookAsync(deadMember.Identifier, dead.Url, "system:test", CancellationToken.None)).Error);
        }
        receiver.Down = true;

        var registry = new RegistryDriver(app);
        using var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            numbers.Add((await RegistryDriver.RegisterBirthAsync(officer, RegistryDriver.UniqueName("Hook"), "2026-01-0" + (i + 1))).GetProperty("personalIdNumber").GetString()!);
        }
        await WaitUntilAsync(() => receiver.Refused >= 3);
        receiver.Down = false;
        await WaitUntilAsync(() => numbers.All(n => receiver.Received.Values.Any(e => e.GetProperty("personalIdNumber").GetString() == n)));

        Assert.Equal(0, receiver.BadSignatures);
        Assert.All(receiver.Received.Values.Where(e => numbers.Contains(e.GetProperty("personalIdNumber").GetString()!)),
            e => Assert.Equal("birth", e.GetProperty("kind").GetString()));
        await WaitUntilAsync(async () => await ParkedAsync(app, deadMember.Identifier) >= 3);

        using var administrator = await Dinh.Tests.Identity.AccountsDriver.SignInStaffAsync(app, Dinh.Identity.Seeding.DemoAccounts.AdministratorLogin);
        var page = await administrator.GetStringAsync("/admin/exchange");
        Assert.Contains(deadMember.Identifier, page, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", page, StringComparison.Ordinal);

        dead.Down = false;
        dead.UseSecret(await SecretAsync(app, deadMember.Identifier));
        var token = await DinhApp.GetAntiforgeryTokenAsync(administrator, "/admin/exchange");
        using var requeue = await administrator.PostAsync("/admin/exchange?handler=requeue", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(requeue.StatusCode is System.Net.HttpStatusCode.Redirect or System.Net.HttpStatusCode.OK, requeue.StatusCode.ToString());
        await WaitUntilAsync(() => numbers.All(n => dead.Received.Values.Any(e => e.GetProperty("personalIdNumber").GetString() == n)));
    }

    private static async Task<int> ParkedAsync(DinhApp app, string identifier)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        return await (from d in db.Deliveries join m in db.Members on d.MemberId equals m.Id
                      where m.Identifier == identifier && d.Status == DeliveryStatus.Parked select d).CountAsync();
    }

    private static async Task<string> SecretAsync(DinhApp app, string identifier)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        return await (from s in db.Subscriptions join m in db.Members on s.MemberId equals m.Id where m.Identifier == identifier select s.Secret).FirstAsync();
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail("condition not met within 30 s");
    }
}

public sealed class WebhookTestsOnSqlite(ExchangeSqliteApp app) : WebhookTests(app), IClassFixture<ExchangeSqliteApp>;

public sealed class WebhookTestsOnPostgres(ExchangePostgresApp app) : WebhookTests(app), IClassFixture<ExchangePostgresApp>;
