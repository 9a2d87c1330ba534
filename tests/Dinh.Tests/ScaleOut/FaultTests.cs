using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dinh.Tests.Exchange;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Dinh.Tests.Services;

namespace Dinh.Tests.ScaleOut;

/// <summary>
/// Issue 7, faults: an instance killed with SIGKILL under load, and PostgreSQL restarted under load. Loopback only,
/// every phase bounded (about a minute each). Each test starts its own deployment; the restart test its own
/// PostgreSQL cluster too, so the suite's shared server is never stopped.
/// </summary>
public sealed class FaultTests
{
    private const string Purpose = "purpose=Ki%E1%BB%83m+th%E1%BB%AD+s%E1%BB%B1+c%E1%BB%91";
    private const int BatchSize = 10;

    [Fact]
    public async Task Fault_kill_9_of_one_instance_under_load_the_other_keeps_serving_and_no_message_is_lost()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable) is not { Length: > 0 },
            $"{TestDatabase.PostgresVariable} is not set: the fault suite runs in CI (.ci/run).");
        await using var cluster = (await DinhCluster.StartAsync(instances: 2))!;
        var citizens = new ConcurrentQueue<RegistrableCitizen>(await cluster.RegistrableCitizensAsync(100));
        var number = citizens.First().Number;
        var cookies = new CookieContainer();
        using var onB = DinhCluster.Browser(cluster["b"].Address, cookies);
        using var viaProxy = DinhCluster.Browser(cluster.Proxy.Address, cookies);
        await DinhCluster.SignInStaffAsync(onB, DinhCluster.Steward);
        var lookup = new Uri($"/api/registry/citizens?number={number}&{Purpose}", UriKind.Relative);

        // The portal and the exchange under the same kill: births registered by an officer (each an event for a
        // subscribed member) and birth bundles submitted by a citizen (each a first step that a bundle worker opens).
        await using var receiver = await WebhookReceiver.StartAsync();
        var member = await cluster.SubscribeToBirthsAsync(receiver);
        var mother = await cluster.DemoMotherAsync(onB);
        using var civil = DinhCluster.Browser(cluster.Proxy.Address);
        await DinhCluster.SignInStaffAsync(civil, ServicesDriver.CivilStatusBaDinh);
        using var citizen = DinhCluster.Browser(cluster.Proxy.Address);
        await DinhCluster.SignInCitizenAsync(citizen, mother.Login);

        await using var load = new LoadRecorder();
        load.Run("event-birth", async ct => await Paced(RegistryDriver.PostBirthAsync(civil, RegistryDriver.UniqueName("Kill"), "2026-01-05"), ct));
        load.Run("portal-bundle", async ct => await Paced(citizen.PostAsJsonAsync(new Uri("/api/services/bundles", UriKind.Relative),
            DinhCluster.BirthBundle(RegistryDriver.UniqueName("Bé"), 0), ct), ct));
        load.Run("b-lookup", async ct => await Paced(onB.GetAsync(lookup, ct), ct));
        load.Run("proxy-lookup", async ct => await Paced(viaProxy.GetAsync(lookup, ct), ct));
        for (var i = 0; i < 2; i++)
        {
            load.Run("proxy-register", ct => RegisterNextAsync(cluster.Proxy.Address, citizens, ct));
        }
        await Task.Delay(TimeSpan.FromSeconds(4));
        var killedAt = load.Now;
        cluster["a"].Kill();
        using (var drained = new CancellationTokenSource(TimeSpan.FromSeconds(40)))
        {
            while (!citizens.IsEmpty || load.Now < killedAt + TimeSpan.FromSeconds(10))
            {
                await Task.Delay(250, drained.Token);
            }
        }
        await load.StopAsync();
        var samples = load.Samples.ToList();
        var summary = LoadRecorder.Describe(samples) + "\n" + cluster.Errors();

        // B, asked directly, never failed: before, during and after the kill.
        var onlyB = samples.Where(s => s.Worker == "b-lookup").ToList();
        Assert.True(onlyB.Count(s => s.Started > killedAt) > 5 && onlyB.All(LoadRecorder.IsSuccess), summary);
        // Through the proxy: requests in flight to A when it died may fail; once the health check (1 s) has seen it,
        // everything goes to B.
        var settled = killedAt + TimeSpan.FromSeconds(5);
        var afterSettling = samples.Where(s => s.Worker.StartsWith("proxy", StringComparison.Ordinal) && s.Started > settled).ToList();
        Assert.True(afterSettling.Count > 5 && afterSettling.All(LoadRecorder.IsSuccess), summary);
        Assert.DoesNotContain(samples, s => s.Status == 500);
        var writesAfterSettling = samples.Where(s => s.Worker is "event-birth" or "portal-bundle" && s.Started > settled).ToList();
        Assert.True(writesAfterSettling.Count > 5 && writesAfterSettling.All(s => s.Status == (int)HttpStatusCode.Created), summary);

        // Every registration the server confirmed has its SMS, delivered; one that A was sending at the moment it died
        // (claimed, handed to the gateway, not yet marked sent) is sent again by B once A's lease (5 s) has run out,
        // with the same reference for the gateway to drop. Nothing else is repeated.
        var confirmed = samples.Count(s => s.Worker == "proxy-register" && s.Status == (int)HttpStatusCode.Redirect);
        Assert.True(confirmed > 20, summary);
        var outbox = await cluster.WaitForDeliveriesAsync(confirmed, TimeSpan.FromSeconds(60));
        await AssertRepeatsOnlyWhereTheOutcomeWasLostAsync(cluster, outbox, maxRepeats: BatchSize);

        // Every confirmed birth reached the subscriber; a repeat only where a delivery was claimed twice (A died
        // between sending it and recording the answer), with the same event id for the member to drop.
        var births = samples.Where(s => s.Worker == "event-birth" && s.Status == (int)HttpStatusCode.Created)
            .Select(s => JsonDocument.Parse(s.Body).RootElement.GetProperty("personalIdNumber").GetString()!).ToList();
        Assert.True(births.Count > 5, summary);
        var delivered = await WaitAsync(() => births.All(n => receiver.Received.Values.Any(e => e.GetProperty("personalIdNumber").GetString() == n)),
            TimeSpan.FromSeconds(90));
        Assert.True(delivered, $"{births.Count(n => receiver.Received.Values.Any(e => e.GetProperty("personalIdNumber").GetString() == n))} of {births.Count} births delivered; {summary}");
        Assert.Equal(0, receiver.BadSignatures);
        var attempts = await cluster.DeliveriesAsync(member);
        Assert.All(receiver.Deliveries.Where(d => d.Value > 1), d => Assert.True(attempts.GetValueOrDefault(d.Key) >= 2, $"event {d.Key} delivered {d.Value}× but claimed once"));

        // Every bundle the portal confirmed has its first step opened exactly once, by A before the kill or by B after.
        var bundles = samples.Where(s => s.Worker == "portal-bundle" && s.Status == (int)HttpStatusCode.Created)
            .Select(s => JsonDocument.Parse(s.Body).RootElement.GetProperty("id").GetGuid()).ToList();
        Assert.True(bundles.Count > 5, summary);
        IReadOnlyList<BundleStepRow> steps = [];
        var opened = await WaitAsync(async () => (steps = await cluster.BundleStepsAsync(bundles)).Count == bundles.Count, TimeSpan.FromSeconds(60));
        Assert.True(opened, $"{steps.Count} of {bundles.Count} bundles have their first step; {summary}");
        Assert.All(steps, s => Assert.True(s.Step == 0 && s.Dossiers == 1 && s.Submissions == 1, $"bundle {s.BundleId} step {s.Step}: {s.Dossiers} dossiers, {s.Submissions} submissions"));
    }

    private static Task<bool> WaitAsync(Func<bool> condition, TimeSpan within) => WaitAsync(() => Task.FromResult(condition()), within);

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > within)
            {
                return false;
            }
            await Task.Delay(500);
        }
        return true;
    }

    [Fact]
    public async Task Fault_PostgreSQL_restarted_under_load_requests_fail_fast_with_503_and_recover_without_data_loss()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable) is not { Length: > 0 },
            $"{TestDatabase.PostgresVariable} is not set: the fault suite runs in CI (.ci/run).");
        await using var postgres = await TempPostgres.StartAsync();
        Assert.SkipWhen(postgres is null, "PostgreSQL server binaries not found (apt-get install postgresql)");
        await using var cluster = (await DinhCluster.StartAsync(instances: 2, server: postgres!.ConnectionString))!;
        var citizens = new ConcurrentQueue<RegistrableCitizen>(await cluster.RegistrableCitizensAsync(100));
        var number = citizens.First().Number;
        var cookies = new CookieContainer();
        using var viaProxy = DinhCluster.Browser(cluster.Proxy.Address, cookies);
        await DinhCluster.SignInStaffAsync(viaProxy, DinhCluster.Steward);
        var lookup = new Uri($"/api/registry/citizens?number={number}&{Purpose}", UriKind.Relative);

        await using var load = new LoadRecorder();
        for (var i = 0; i < 2; i++)
        {
            load.Run("lookup", async ct => await Paced(viaProxy.GetAsync(lookup, ct), ct));
            load.Run("register", ct => RegisterNextAsync(cluster.Proxy.Address, citizens, ct));
        }
        var probes = cluster.Instances.Select(i => (i.Name, Http: DinhCluster.Browser(i.Address))).ToList();
        foreach (var (name, http) in probes)
        {
            load.Run("ready-" + name, async ct => await Paced(http.GetAsync(new Uri("/health/ready", UriKind.Relative), ct), ct));
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        var stoppedAt = load.Now;
        await postgres.StopServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        var startingAt = load.Now;
        await postgres.StartServerAsync();
        var restartedAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(12));
        await load.StopAsync();
        probes.ForEach(p => p.Http.Dispose());
        var samples = load.Samples.ToList();
        var summary = $"stopped {stoppedAt.TotalSeconds:F1}s, starting {startingAt.TotalSeconds:F1}s, up {restartedAt.TotalSeconds:F1}s: " +
            LoadRecorder.Describe(samples) + "\n" + cluster.Errors();

        // While the database is down: 503 problem details with the platform's code and Retry-After, never a 500 or a hang.
        Assert.True(!samples.Any(s => s.Status is 500 or 0), samples.FirstOrDefault(s => s.Status is 500 or 0)?.Body + "\n" + summary);
        var outage = samples.Where(s => s.Status == 503 && !s.Worker.StartsWith("ready", StringComparison.Ordinal)).ToList();
        Assert.True(outage.Count > 0, "no request met the outage: " + summary);
        Assert.All(outage, s =>
        {
            Assert.Equal("application/problem+json", s.MediaType);
            Assert.Contains("DINH-PLT-0008", s.Body, StringComparison.Ordinal);
            Assert.NotNull(s.RetryAfter);
        });
        var duringOutage = samples.Where(s => s.Started > stoppedAt && s.Started + s.Took < restartedAt).ToList();
        Assert.True(duringOutage.Count > 0 && duringOutage.All(s => s.Took < TimeSpan.FromSeconds(5)),
            $"slowest answer during the outage {duringOutage.Select(s => s.Took).DefaultIfEmpty().Max()}: {summary}");
        Assert.Contains(samples, s => s.Worker.StartsWith("ready", StringComparison.Ordinal) && s.Status == 503 && s.Started > stoppedAt);

        // Recovered within seconds: everything that starts 5 s after the database is back succeeds, on both instances.
        var recovered = samples.Where(s => s.Started > restartedAt + TimeSpan.FromSeconds(5)).ToList();
        Assert.True(recovered.Count > 10 && recovered.All(LoadRecorder.IsSuccess), summary);
        Assert.True(recovered.Any(s => s.Worker == "ready-a") && recovered.Any(s => s.Worker == "ready-b"), summary);

        // No data loss: every registration the server confirmed, before or after the restart, has its SMS and it is sent.
        var confirmed = samples.Count(s => s.Worker == "register" && s.Status == (int)HttpStatusCode.Redirect);
        var outbox = await cluster.WaitForDeliveriesAsync(confirmed, TimeSpan.FromSeconds(60));
        Assert.True(outbox.Count >= confirmed, summary);
        // A send the gateway accepted while the database went away could not be recorded as sent: it is claimed
        // again after its lease and repeated with the same reference, like a send cut short by kill -9.
        await AssertRepeatsOnlyWhereTheOutcomeWasLostAsync(cluster, outbox, maxRepeats: BatchSize * cluster.Instances.Count);
    }

    /// <summary>
    /// Every message was delivered; one was delivered twice only if it was claimed twice (its first outcome was lost
    /// with the instance or the database), and at most one batch per dispatcher was caught that way.
    /// </summary>
    private static async Task AssertRepeatsOnlyWhereTheOutcomeWasLostAsync(DinhCluster cluster, IReadOnlyDictionary<Guid, OutboxRow> outbox, int maxRepeats)
    {
        // Whatever else the gateway got (dossier notices) is in the outbox too, and repeated only if claimed twice.
        var everything = await cluster.OutboxAsync(kind: null);
        Assert.All(cluster.Sms.Deliveries, d => Assert.True(everything.TryGetValue(d.Key, out var row) && (d.Value == 1 || row.Attempts >= 2),
            $"gateway got {d.Key} {d.Value}×: {(everything.TryGetValue(d.Key, out var r) ? $"claimed {r.Attempts}×" : "not in the outbox")}"));
        var repeated = outbox.Where(m => cluster.Sms.Deliveries[m.Key] > 1).ToList();
        Assert.All(repeated, m => Assert.True(m.Value.Attempts >= 2, $"{m.Key} delivered {cluster.Sms.Deliveries[m.Key]}× but claimed once"));
        Assert.True(repeated.Count <= maxRepeats, $"{repeated.Count} messages delivered more than once");
        Assert.All(outbox.Keys, id => Assert.InRange(cluster.Sms.Deliveries[id], 1, 2));
    }

    private static async Task<HttpResponseMessage> Paced(Task<HttpResponseMessage> request, CancellationToken ct)
    {
        var response = await request;
        await Task.Delay(100, ct);
        return response;
    }

    /// <summary>One self-registration through <paramref name="address"/>: the form, then the post; null when no citizen is left.</summary>
    private static async Task<HttpResponseMessage?> RegisterNextAsync(Uri address, ConcurrentQueue<RegistrableCitizen> citizens, CancellationToken ct)
    {
        if (!citizens.TryDequeue(out var citizen))
        {
            return null;
        }
        await Task.Delay(150, ct);
        using var browser = DinhCluster.Browser(address);
        var form = await browser.GetAsync(new Uri("/account/register", UriKind.Relative), ct);
        if (form.StatusCode != HttpStatusCode.OK)
        {
            return form;
        }
        var token = DinhCluster.AntiforgeryToken(await form.Content.ReadAsStringAsync(ct));
        form.Dispose();
        return await DinhCluster.PostRegistrationAsync(browser, citizen, token, ct);
    }
}
