using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Registry;

/// <summary>Intent methods for the registry tests: units, officer sign-in, births and residences through the API.</summary>
public sealed class RegistryDriver(DinhApp app)
{
    public const string BaDinh = "00004";
    public const string HoanKiem = "00070";
    public const string SaiGon = "26740";
    public const string Purpose = "Giải quyết thủ tục hành chính";

    public const string CivilStatusBaDinh = "hotich.badinh";
    public const string PoliceHoanKiem = "congan.hoankiem";
    public const string StewardHanoi = "dulieu.hanoi";
    public const string StewardNational = "dulieu.quocgia";

    private static readonly SemaphoreSlim Seeding = new(1, 1);

    public DinhApp App => app;

    /// <summary>Diagnostics only: the fixture whose unhandled-exception log lines a failed birth quotes.</summary>
    public static DinhApp? LastApp { get; set; }

    /// <summary>The few units the tests need, inserted directly (the units module loads the real ones).</summary>
    public async Task SeedUnitsAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            if (await db.Units.AnyAsync(u => u.Code == BaDinh))
            {
                return;
            }
            var from = new DateOnly(2025, 7, 1);
            db.Units.AddRange(
                Unit("01", UnitLevel.Province, "Thành phố Hà Nội", "Thành phố", null, from),
                Unit(BaDinh, UnitLevel.Commune, "Phường Ba Đình", "Phường", "01", from),
                Unit(HoanKiem, UnitLevel.Commune, "Phường Hoàn Kiếm", "Phường", "01", from),
                Unit("79", UnitLevel.Province, "Thành phố Hồ Chí Minh", "Thành phố", null, from),
                Unit(SaiGon, UnitLevel.Commune, "Phường Sài Gòn", "Phường", "79", from));
            await db.SaveChangesAsync();
        }
        finally
        {
            Seeding.Release();
        }
    }

    private static AdministrativeUnit Unit(string code, UnitLevel level, string name, string type, string? parent, DateOnly from) => new()
    {
        Code = code, Level = level, Name = name, Type = type, ParentCode = parent, ValidFrom = from,
        SearchKey = Dinh.Registry.Contracts.VietnameseText.AsciiKey(name),
    };

    /// <summary>A client signed in as a demo officer through the real sign-in page: password and TOTP code.</summary>
    public async Task<HttpClient> SignInAsync(string login)
    {
        await SeedUnitsAsync();
        LastApp = app;
        return await AccountsDriver.SignInStaffAsync(app, login);
    }

    public static async Task<JsonElement> RegisterBirthAsync(HttpClient client, string name, string dateOfBirth = "1990-05-01", string sex = "male",
        string unit = BaDinh, object? extra = null)
    {
        using var response = await PostBirthAsync(client, name, dateOfBirth, sex, unit, extra);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body + string.Join("\n", LastApp?.Logs.Lines.Where(l => l.Contains("Unhandled", StringComparison.Ordinal)) ?? []));
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PostBirthAsync(HttpClient client, string name, string dateOfBirth = "1990-05-01", string sex = "male",
        string unit = BaDinh, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["fullName"] = name, ["dateOfBirth"] = dateOfBirth, ["sex"] = sex, ["registrationUnitCode"] = unit,
            ["purpose"] = Purpose, ["legalBasis"] = "Hồ sơ khai sinh số KS-2026-001",
        };
        foreach (var (key, value) in JsonSerializer.SerializeToElement(extra ?? new { }).EnumerateObject().Select(p => (p.Name, p.Value)))
        {
            body[key] = value;
        }
        return client.PostAsJsonAsync("/api/registry/events/births", body);
    }

    public static async Task<JsonElement> PermanentResidenceAsync(HttpClient client, JsonElement citizen, string unit, string address,
        Guid? householdId = null, string? relation = null)
    {
        using var response = await client.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/residences", new
        {
            version = Version(citizen), kind = "permanent", unitCode = unit, addressLine = address, validFrom = "2025-08-01",
            householdId, relationToHead = relation, purpose = Purpose, legalBasis = "Hồ sơ đăng ký thường trú TT-01",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/registry/citizens/{id}?purpose={Uri.EscapeDataString(Purpose)}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/registry/citizens?{query}&purpose={Uri.EscapeDataString(Purpose)}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static Guid Id(JsonElement citizen) => citizen.GetProperty("id").GetGuid();

    public static int Version(JsonElement citizen) => citizen.GetProperty("version").GetInt32();

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal($"urn:dinh:problem:{code}", problem.GetProperty("type").GetString());
        Assert.True(problem.TryGetProperty("traceId", out _), body);
        return problem;
    }

    /// <summary>Asserts a 400 naming the field, with the stable problem key.</summary>
    public static async Task AssertFieldAsync(HttpResponseMessage response, string field, string problem)
    {
        var body = await ProblemAsync(response, HttpStatusCode.BadRequest, "DINH-REG-0001");
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
        Assert.Equal(problem, body.GetProperty("problems").GetProperty(field).GetString());
    }

    public static string UniqueName(string given) =>
        $"Nguyễn Văn {given} {(char)('A' + Random.Shared.Next(26))}{(char)('a' + Random.Shared.Next(26))}{(char)('a' + Random.Shared.Next(26))}";
}
