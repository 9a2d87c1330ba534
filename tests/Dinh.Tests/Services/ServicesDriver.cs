using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dinh.Identity.Accounts;
using Dinh.Services.Bundles;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;

namespace Dinh.Tests.Services;

/// <summary>Fixtures whose own instance runs no bundle worker, so the tests decide when bundles advance (and can stage a crash).</summary>
public sealed class ServicesSqliteApp : DinhApp
{
    protected override Task<TestDatabase?> CreateDatabaseAsync() => Task.FromResult<TestDatabase?>(TestDatabase.CreateSqlite());

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Dinh:Services:BundleWorker"] = "false" };
}

public sealed class ServicesPostgresApp : DinhApp
{
    protected override Task<TestDatabase?> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Dinh:Services:BundleWorker"] = "false" };
}

/// <summary>Intent methods for the portal: a mother with a household, sign-ins, submissions and decisions through the API.</summary>
public sealed class ServicesDriver(DinhApp app)
{
    public const string CivilStatusBaDinh = RegistryDriver.CivilStatusBaDinh;
    public const string PoliceBaDinh = "congan.badinh";
    public const string PoliceHoanKiem = RegistryDriver.PoliceHoanKiem;
    public const string SocialInsuranceHanoi = "bhxh.hanoi";

    public DinhApp App => app;

    /// <summary>A level-2 citizen with a permanent residence (their own household) in Phường Ba Đình, signed in.</summary>
    public async Task<(TestCitizen Citizen, HttpClient Client)> CitizenWithHouseholdAsync()
    {
        var registry = new RegistryDriver(app);
        var citizen = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        using (var steward = await registry.SignInAsync(RegistryDriver.StewardHanoi))
        {
            var record = await RegistryDriver.GetAsync(steward, citizen.CitizenId);
            await RegistryDriver.PermanentResidenceAsync(steward, record, RegistryDriver.BaDinh, "12 Phố Đội Cấn");
        }
        return (citizen, await SignInCitizenAsync(citizen));
    }

    public async Task<HttpClient> SignInCitizenAsync(TestCitizen citizen)
    {
        var client = app.CreateClient();
        using var response = await AccountsDriver.PostLoginAsync(client, citizen.Number, citizen.Password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"citizen sign-in: {(int)response.StatusCode}");
        return client;
    }

    public Task<HttpClient> SignInOfficerAsync(string login) => new RegistryDriver(app).SignInAsync(login);

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient citizen, string procedure, object fields, string? key = null) =>
        citizen.PostAsJsonAsync("/api/services/dossiers", new { procedureCode = procedure, fields, idempotencyKey = key });

    public static async Task<JsonElement> TemporaryResidenceAsync(HttpClient citizen, string unit = RegistryDriver.BaDinh)
    {
        using var response = await SubmitAsync(citizen, "temporary-residence",
            new Dictionary<string, string> { ["addressLine"] = "5 Ngõ Núi Trúc", ["validUntil"] = Day(400), ["unitCode"] = unit });
        return await OkAsync(response, HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> DecideAsync(HttpClient officer, JsonElement dossier, string action, string? reason = null) =>
        officer.PostAsJsonAsync($"/api/services/officer/dossiers/{dossier.GetProperty("id").GetGuid()}/{action}",
            new { version = dossier.GetProperty("version").GetInt32(), reason });

    public static async Task<JsonElement> DecideOkAsync(HttpClient officer, JsonElement dossier, string action, string? reason = null)
    {
        using var response = await DecideAsync(officer, dossier, action, reason);
        return await OkAsync(response);
    }

    /// <summary>A day relative to today (Vietnam time), as the forms take it: the tests must not expire with the calendar.</summary>
    public static string Day(int fromToday) =>
        Dinh.Platform.VietnamTime.Today(TimeProvider.System).AddDays(fromToday).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs the bundle worker's passes until nothing is marked, as the hosted worker would.</summary>
    public async Task AdvanceBundlesAsync()
    {
        while (await BundleWorker.AdvanceBatchAsync(app.Factory.Services, 20, CancellationToken.None) > 0)
        {
        }
    }

    public static async Task<JsonElement> MyBundleAsync(HttpClient citizen, Guid bundleId)
    {
        using var response = await citizen.GetAsync("/api/services/bundles");
        var all = await OkAsync(response);
        return all.EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == bundleId);
    }

    public static async Task<JsonElement> QueueItemAsync(HttpClient officer, string receipt)
    {
        using var response = await officer.GetAsync("/api/services/officer/queue");
        var queue = await OkAsync(response);
        var item = queue.EnumerateArray().SingleOrDefault(d => d.GetProperty("receiptCode").GetString() == receipt);
        Assert.True(item.ValueKind == JsonValueKind.Object, $"{receipt} not in the queue: {queue}");
        return item;
    }
}
