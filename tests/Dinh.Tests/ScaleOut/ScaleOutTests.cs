using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Tests.Infrastructure;

namespace Dinh.Tests.ScaleOut;

/// <summary>Two <c>dinh serve</c> processes on one PostgreSQL database behind a YARP proxy, shared by the tests below.</summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public DinhCluster? Cluster { get; private set; }

    public async ValueTask InitializeAsync() => Cluster = await DinhCluster.StartAsync(instances: 2);

    public DinhCluster Require()
    {
        Assert.SkipWhen(Cluster is null, $"{TestDatabase.PostgresVariable} is not set: the scale-out suite runs in CI (.ci/run).");
        return Cluster!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue 7, scale-out: what one instance does, the other honours. Real processes, real proxy, real database; every
/// wait is bounded. PostgreSQL only (SQLite is one file on one machine, not a scaled-out deployment).
/// </summary>
public sealed partial class ScaleOutTests(TwoInstances fixture) : IClassFixture<TwoInstances>
{
    private const string Purpose = "purpose=Ki%E1%BB%83m+th%E1%BB%AD+m%E1%BB%9F+r%E1%BB%99ng";

    [Fact]
    public async Task ScaleOut_a_sign_in_on_one_instance_is_a_session_on_the_other_and_through_the_proxy()
    {
        var cluster = fixture.Require();
        var number = (await cluster.RegistrableCitizensAsync(1))[0].Number;
        var lookup = new Uri($"/api/registry/citizens?number={number}&{Purpose}", UriKind.Relative);
        var cookies = new CookieContainer();
        using var onA = DinhCluster.Browser(cluster["a"].Address, cookies);
        using var onB = DinhCluster.Browser(cluster["b"].Address, cookies);
        using var anonymous = DinhCluster.Browser(cluster["b"].Address);

        using (var before = await anonymous.GetAsync(lookup))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }
        await DinhCluster.SignInStaffAsync(onA, DinhCluster.Steward);
        using (var other = await onB.GetAsync(lookup))
        {
            Assert.True(other.StatusCode == HttpStatusCode.OK, $"B answered {(int)other.StatusCode}: {await other.Content.ReadAsStringAsync()}");
            Assert.Contains(number, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Through the proxy, round robin: consecutive requests of the same browser land on both instances.
        using var viaProxy = DinhCluster.Browser(cluster.Proxy.Address, cookies);
        var upstreams = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await viaProxy.GetAsync(lookup);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            upstreams.Add(response.Headers.GetValues(LoopbackProxy.UpstreamHeader).Single());
        }
        Assert.Equal(["a", "b"], upstreams.Distinct().Order());
    }

    [Fact]
    public async Task ScaleOut_an_access_token_issued_by_one_instance_is_active_on_the_other()
    {
        var cluster = fixture.Require();
        var added = await cluster.RunDinhAsync("clients", "add", "--client-id", "agency-scale", "--name", "Scale-out agency",
            "--auth", "client_secret_basic", "--grant", "client_credentials", "--scope", "registry.read");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = SecretLine().Match(added.Output).Groups[1].Value;
        Assert.NotEmpty(secret);
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"agency-scale:{secret}")));

        using var a = new HttpClient { BaseAddress = cluster["a"].Address, Timeout = TimeSpan.FromSeconds(30) };
        using var b = new HttpClient { BaseAddress = cluster["b"].Address, Timeout = TimeSpan.FromSeconds(30) };
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "registry.read" }),
        };
        tokenRequest.Headers.Authorization = basic;
        using var tokenResponse = await a.SendAsync(tokenRequest);
        var tokenBody = await tokenResponse.Content.ReadAsStringAsync();
        Assert.True(tokenResponse.StatusCode == HttpStatusCode.OK, tokenBody);
        var accessToken = JsonDocument.Parse(tokenBody).RootElement.GetProperty("access_token").GetString()!;

        foreach (var (name, client) in new[] { ("b", b), ("a", a) })
        {
            using var introspect = new HttpRequestMessage(HttpMethod.Post, "/connect/introspect")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = accessToken }),
            };
            introspect.Headers.Authorization = basic;
            using var response = await client.SendAsync(introspect);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(body.GetProperty("active").GetBoolean(), $"introspection on {name}: {body}");
            Assert.Equal(cluster.Proxy.Address.ToString(), body.GetProperty("iss").GetString());
        }

        // The check can fail: a token with one changed signature byte is inactive on B.
        var forged = accessToken[..^2] + (accessToken[^2] == 'A' ? "B" : "A") + accessToken[^1];
        using var forgedRequest = new HttpRequestMessage(HttpMethod.Post, "/connect/introspect")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = forged }),
        };
        forgedRequest.Headers.Authorization = basic;
        using var forgedResponse = await b.SendAsync(forgedRequest);
        Assert.False(JsonDocument.Parse(await forgedResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task ScaleOut_outbox_messages_queued_on_both_instances_are_each_sent_exactly_once()
    {
        var cluster = fixture.Require();
        var citizens = await cluster.RegistrableCitizensAsync(40);
        var before = (await cluster.OutboxAsync()).Count;
        // 20 registrations on each instance at once: each commits its code's SMS to the outbox; both dispatchers claim.
        var statuses = await Task.WhenAll(citizens.Select((citizen, i) => RegisterAsync(cluster.Instances[i % 2].Address, citizen)));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Redirect, s));

        var outbox = await cluster.WaitForDeliveriesAsync(before + citizens.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(before + citizens.Count, outbox.Count);
        var repeated = outbox.Keys.Where(id => cluster.Sms.Deliveries[id] != 1).Select(id => $"{id}×{cluster.Sms.Deliveries[id]}").ToList();
        Assert.True(repeated.Count == 0, "sent more than once: " + string.Join(", ", repeated));
        Assert.All(outbox.Values, m => Assert.Equal(1, m.Attempts));
        // The gateway also carries the other suites' SMS (the portal's notices): every message it got is one the
        // database holds, none invented or sent twice.
        var stored = await cluster.OutboxAsync(kind: null);
        Assert.DoesNotContain(cluster.Sms.Deliveries.Keys, id => !stored.ContainsKey(id));
        Assert.All(cluster.Sms.Deliveries.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task ScaleOut_a_key_rotation_is_published_by_every_instance_within_the_key_ring_interval()
    {
        var cluster = fixture.Require();
        var before = await DinhCluster.KeyIdsAsync(cluster["a"].Address);
        Assert.Equal(before, await DinhCluster.KeyIdsAsync(cluster["b"].Address));

        var rotated = await cluster.RunDinhAsync("keys", "rotate");
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        var kid = NewKeyLine().Match(rotated.Output).Groups[1].Value;
        Assert.DoesNotContain(kid, before);

        // The key ring reloads every 15 s; allow two intervals and a slow machine.
        var clock = Stopwatch.StartNew();
        var seenBy = new Dictionary<string, TimeSpan>();
        while (seenBy.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(45))
        {
            foreach (var instance in cluster.Instances.Where(i => !seenBy.ContainsKey(i.Name)))
            {
                if ((await DinhCluster.KeyIdsAsync(instance.Address)).Contains(kid))
                {
                    seenBy[instance.Name] = clock.Elapsed;
                }
            }
            await Task.Delay(500);
        }
        Assert.True(seenBy.Count == 2, $"after {clock.Elapsed}: new key {kid} published by {string.Join(", ", seenBy.Keys)} only");
        Assert.True(seenBy.Values.All(t => t < TimeSpan.FromSeconds(35)), string.Join(", ", seenBy.Select(s => $"{s.Key} {s.Value}")));
        Assert.Superset(before.ToHashSet(), (await DinhCluster.KeyIdsAsync(cluster["b"].Address)).ToHashSet());
    }

    private static async Task<HttpStatusCode> RegisterAsync(Uri instance, RegistrableCitizen citizen)
    {
        using var browser = DinhCluster.Browser(instance);
        return await DinhCluster.StartRegistrationAsync(browser, citizen);
    }

    [GeneratedRegex(@"Client secret \(shown once, store it now\): (\S+)")]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"New \w+ key (\S+):")]
    private static partial Regex NewKeyLine();
}
