using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Tests.Exchange;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using static Dinh.Tests.Services.ServicesDriver;

namespace Dinh.Tests.ScaleOut;

/// <summary>
/// Issue 7, scale-out of the portal and the exchange: interconnected birth bundles submitted and decided on both
/// instances, their steps opened by both instances' bundle workers, and the births they register delivered as webhooks
/// by both instances' event workers. Every step must be opened once and every event delivered once.
/// </summary>
public sealed partial class ScaleOutTests
{
    private const int Bundles = 8;

    [Fact]
    public async Task ScaleOut_bundle_steps_and_webhook_deliveries_are_each_processed_once_across_instances()
    {
        var cluster = fixture.Require();
        await using var receiver = await WebhookReceiver.StartAsync();
        var member = await cluster.SubscribeToBirthsAsync(receiver);

        // The demo mother (a level-2 citizen) gets a permanent residence in Ba Đình, so her household takes the children.
        using var steward = DinhCluster.Browser(cluster["b"].Address);
        await DinhCluster.SignInStaffAsync(steward, DinhCluster.Steward);
        var mother = await cluster.DemoMotherAsync(steward);
        var cookies = new CookieContainer();
        using var citizenOnA = DinhCluster.Browser(cluster["a"].Address, cookies);
        using var citizenOnB = DinhCluster.Browser(cluster["b"].Address, cookies);
        await DinhCluster.SignInCitizenAsync(citizenOnA, mother.Login);

        // Half the bundles submitted on each instance.
        var bundleIds = new List<Guid>();
        for (var i = 0; i < Bundles; i++)
        {
            using var submitted = await (i % 2 == 0 ? citizenOnA : citizenOnB).PostAsJsonAsync("/api/services/bundles",
                DinhCluster.BirthBundle(RegistryDriver.UniqueName("Bé"), i));
            bundleIds.Add((await OkAsync(submitted, HttpStatusCode.Created)).GetProperty("id").GetGuid());
        }

        // Officers of three agencies, each signed in once; their decisions alternate between the instances.
        var officers = new Dictionary<string, (HttpClient A, HttpClient B)>();
        foreach (var login in new[] { CivilStatusBaDinh, PoliceBaDinh, SocialInsuranceHanoi })
        {
            var jar = new CookieContainer();
            var onA = DinhCluster.Browser(cluster["a"].Address, jar);
            await DinhCluster.SignInStaffAsync(onA, login);
            officers[login] = (onA, DinhCluster.Browser(cluster["b"].Address, jar));
        }
        try
        {
            // Step 1 (birth registration) opens on its own; steps 2 and 3 open once it is approved.
            await DecideStepAsync(citizenOnB, bundleIds, 0, officers[CivilStatusBaDinh]);
            await DecideStepAsync(citizenOnA, bundleIds, 1, officers[PoliceBaDinh]);
            await DecideStepAsync(citizenOnB, bundleIds, 2, officers[SocialInsuranceHanoi]);
            var statuses = await WaitForAsync(async () =>
            {
                var mine = await OkAsync(await citizenOnA.GetAsync(new Uri("/api/services/bundles", UriKind.Relative)));
                var ours = mine.EnumerateArray().Where(b => bundleIds.Contains(b.GetProperty("id").GetGuid())).Select(b => b.GetProperty("status").GetString()!).ToList();
                return ours.Count == Bundles && ours.All(s => s == "Completed") ? ours : null;
            }, () => "every bundle completed");
            Assert.Equal(Bundles, statuses.Count);
        }
        finally
        {
            foreach (var (a, b) in officers.Values)
            {
                a.Dispose();
                b.Dispose();
            }
        }

        // Once each: one dossier per (bundle, step), one "opened" transition per dossier.
        var steps = await cluster.BundleStepsAsync(bundleIds);
        Assert.Equal(Bundles * 3, steps.Count);
        Assert.All(steps, s => Assert.True(s.Dossiers == 1 && s.Submissions == 1, $"bundle {s.BundleId} step {s.Step}: {s.Dossiers} dossiers, {s.Submissions} submissions"));

        // Every child's birth reached the subscriber exactly once, correctly signed, whichever instance sent it.
        var children = await cluster.ChildrenOfAsync(bundleIds);
        Assert.Equal(Bundles, children.Count);
        await WaitForAsync(() => Task.FromResult(children.All(n => receiver.Received.Values.Any(e => e.GetProperty("personalIdNumber").GetString() == n)) ? children : null),
            () => $"every birth delivered ({receiver.Received.Count} received, {receiver.BadSignatures} bad signatures)");
        Assert.Equal(0, receiver.BadSignatures);
        var births = receiver.Received.Values.Where(e => children.Contains(e.GetProperty("personalIdNumber").GetString()!)).ToList();
        Assert.Equal(Bundles, births.Count);
        Assert.All(births, e => Assert.Equal(1, receiver.Deliveries[e.GetProperty("id").GetGuid()]));
        Assert.All((await cluster.DeliveriesAsync(member)).Values, attempts => Assert.Equal(1, attempts));
    }

    /// <summary>Waits for step <paramref name="step"/> of every bundle to open, then accepts and approves each, alternating instances.</summary>
    private static async Task DecideStepAsync(HttpClient citizen, IReadOnlyList<Guid> bundleIds, int step, (HttpClient A, HttpClient B) officer)
    {
        var receipts = await WaitForAsync(async () =>
        {
            var found = new List<string>();
            foreach (var id in bundleIds)
            {
                var dossier = (await MyBundleAsync(citizen, id)).GetProperty("steps")[step].GetProperty("dossier");
                if (dossier.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }
                found.Add(dossier.GetProperty("receiptCode").GetString()!);
            }
            return found;
        }, () => $"step {step + 1} opened in every bundle");
        for (var i = 0; i < receipts.Count; i++)
        {
            var on = i % 2 == 0 ? officer.A : officer.B;
            var accepted = await DecideOkAsync(on, await QueueItemAsync(on, receipts[i]), "accept");
            await DecideOkAsync(i % 2 == 0 ? officer.B : officer.A, accepted, "approve");
        }
    }

    /// <summary>Polls until <paramref name="probe"/> answers (90 s at most); the failure message is written when it fails, with the state then.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, Func<string> what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } done)
            {
                return done;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"after {clock.Elapsed}: not yet {what()}");
            await Task.Delay(300);
        }
    }
}

/// <summary>A bundle step as the database holds it: how many dossiers were opened for it and how many "submitted" transitions they have.</summary>
public sealed record BundleStepRow(Guid BundleId, int Step, int Dossiers, int Submissions);

/// <summary>The demo level-2 citizen: login (the personal ID number) and registry id.</summary>
public sealed record DemoCitizen(string Login, Guid CitizenId);

public sealed partial class DinhCluster
{
    public async Task<DemoCitizen> DemoCitizenAsync()
    {
        await using var connection = new NpgsqlConnection(TestSide);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT user_name, citizen_id FROM accounts WHERE citizen_id IS NOT NULL AND level = 2 ORDER BY id LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the demo population has no level-2 citizen account");
        return new DemoCitizen(reader.GetString(0), reader.GetGuid(1));
    }

    /// <summary>The demo citizen with a permanent residence in Ba Đình (registered by <paramref name="steward"/> if missing), so a birth bundle has a household.</summary>
    public async Task<DemoCitizen> DemoMotherAsync(HttpClient steward)
    {
        var mother = await DemoCitizenAsync();
        var record = await RegistryDriver.GetAsync(steward, mother.CitizenId);
        var hasPermanent = record.GetProperty("residences").EnumerateArray()
            .Any(r => r.GetProperty("active").GetBoolean() && string.Equals(r.GetProperty("kind").GetString(), "permanent", StringComparison.OrdinalIgnoreCase));
        if (!hasPermanent)
        {
            await RegistryDriver.PermanentResidenceAsync(steward, record, RegistryDriver.BaDinh, "7 Phố Kim Mã");
        }
        return mother;
    }

    /// <summary>A birth bundle's declaration for a new child of the signed-in mother, registered in Ba Đình.</summary>
    public static object BirthBundle(string childName, int index) => new
    {
        procedureCode = "bundle-birth", idempotencyKey = Guid.NewGuid().ToString(),
        fields = new
        {
            childFullName = childName, childDateOfBirth = Day(-2), childSex = index % 2 == 0 ? "female" : "male",
            birthplace = "Bệnh viện Phụ sản Hà Nội", registrationUnitCode = RegistryDriver.BaDinh,
        },
    };

    /// <summary>Signs a citizen in through the login form with the demo password.</summary>
    public static async Task SignInCitizenAsync(HttpClient browser, string login)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/login");
        using var response = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = login, ["password"] = Dinh.Identity.Seeding.DemoAccounts.CitizenPassword, ["code"] = "", ["ReturnUrl"] = "",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in as citizen {login}: {(int)response.StatusCode}");
    }

    public async Task<IReadOnlyList<BundleStepRow>> BundleStepsAsync(IReadOnlyList<Guid> bundleIds)
    {
        await using var connection = new NpgsqlConnection(TestSide);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT d.bundle_id, d.bundle_step, count(DISTINCT d.id)::int, " +
            "(SELECT count(*)::int FROM service_dossier_transitions t JOIN service_dossiers x ON x.id = t.dossier_id " +
            "  WHERE x.bundle_id = d.bundle_id AND x.bundle_step = d.bundle_step AND t.\"from\" IS NULL) " +
            "FROM service_dossiers d WHERE d.bundle_id = ANY(@ids) GROUP BY d.bundle_id, d.bundle_step", connection);
        command.Parameters.AddWithValue("ids", bundleIds.ToArray());
        var rows = new List<BundleStepRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new BundleStepRow(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
        }
        return rows;
    }

    /// <summary>The personal ID numbers of the children the bundles' birth steps registered.</summary>
    public async Task<IReadOnlyList<string>> ChildrenOfAsync(IReadOnlyList<Guid> bundleIds)
    {
        await using var connection = new NpgsqlConnection(TestSide);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT result_json FROM service_dossiers WHERE bundle_id = ANY(@ids) AND bundle_step = 0 AND result_json IS NOT NULL", connection);
        command.Parameters.AddWithValue("ids", bundleIds.ToArray());
        var numbers = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            numbers.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.GetProperty("childPersonalIdNumber").GetString()!);
        }
        return numbers;
    }

    /// <summary>The webhook deliveries to <paramref name="member"/>: event id → attempts so far.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> DeliveriesAsync(string member)
    {
        await using var connection = new NpgsqlConnection(TestSide);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT d.event_id, d.attempts FROM exchange_deliveries d JOIN exchange_members m ON m.id = d.member_id WHERE m.identifier = @member", connection);
        command.Parameters.AddWithValue("member", member);
        var deliveries = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            deliveries[reader.GetGuid(0)] = reader.GetInt32(1);
        }
        return deliveries;
    }

    /// <summary>Registers a member subscribed to births and deaths (CLI verbs, as an operator would) with its webhook at <paramref name="receiver"/>.</summary>
    public async Task<string> SubscribeToBirthsAsync(WebhookReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var member = $"VN/GOV/BHXH{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}/scale";
        var jwks = Path.Combine(Path.GetTempPath(), $"dinh-scale-{Guid.NewGuid():N}.jwk.json");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
            await File.WriteAllTextAsync(jwks, JsonSerializer.Serialize(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = "k1" })));
        }
        try
        {
            var added = await RunDinhAsync("members", "add", member, "--name", "Bảo hiểm xã hội (scale-out)", "--jwks-file", jwks);
            Assert.True(added.ExitCode == 0, added.Output + added.Error);
        }
        finally
        {
            File.Delete(jwks);
        }
        var granted = await RunDinhAsync("grants", "add", member, "--dataset", "events", "--field", "birth", "death",
            "--purpose", "social-insurance-enrolment", "--legal-basis", "Luật Bảo hiểm y tế, Điều 12");
        Assert.True(granted.ExitCode == 0, granted.Output + granted.Error);
        var hooked = await RunDinhAsync("members", "webhook", member, "--url", receiver.Url);
        Assert.True(hooked.ExitCode == 0, hooked.Output + hooked.Error);
        var secret = SigningSecretLine().Match(hooked.Output).Groups[1].Value;
        Assert.True(secret.Length > 0, hooked.Output);
        receiver.UseSecret(secret);
        return member;
    }

    [GeneratedRegex(@"Signing secret \(shown once, store it now\): (\S+)")]
    private static partial Regex SigningSecretLine();
}
