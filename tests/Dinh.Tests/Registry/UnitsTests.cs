using System.Net;
using System.Text;
using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Registry;

/// <summary>Administrative units through the front door, on each database provider.</summary>
public abstract class UnitsTests(DinhApp fixture)
{
    private DinhApp App => fixture.Require();

    [Theory]
    [InlineData("2025-06-30", "province", 63)]
    [InlineData("2025-06-30", "district", 696)]
    [InlineData("2025-06-30", "commune", 10_035)]
    [InlineData("2025-07-01", "province", 34)]
    [InlineData("2025-07-01", "district", 0)]
    [InlineData("2025-07-01", "commune", 3_321)]
    [InlineData("2026-11-01", "province", 34)]
    [InlineData("2026-11-01", "commune", 3_321)]
    public async Task Each_structure_has_the_published_number_of_units_on_its_dates(string date, string level, int expected)
    {
        var page = await GetJsonAsync($"/api/units?date={date}&level={level}&pageSize=1");

        Assert.Equal(expected, page.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("2026-04-29", "Tỉnh", "Tỉnh Đồng Nai", "Xã", "Xã Nhơn Trạch")]
    [InlineData("2026-04-30", "Thành phố", "Thành phố Đồng Nai", "Phường", "Phường Nhơn Trạch")]
    public async Task Dong_Nai_became_a_city_and_ten_communes_became_wards_on_2026_04_30_under_the_same_codes(
        string date, string provinceType, string provinceName, string wardType, string wardName)
    {
        var province = await GetJsonAsync($"/api/units/75?date={date}");
        var ward = await GetJsonAsync($"/api/units/26485?date={date}");
        var wards = province.GetProperty("children").EnumerateArray()
            .Where(c => new[] { "25270", "25357", "25363", "26116", "26170", "26248", "26326", "26368", "26425", "26485" }.Contains(c.GetProperty("code").GetString()))
            .Select(c => c.GetProperty("type").GetString()).ToList();

        Assert.Equal(provinceType, province.GetProperty("unit").GetProperty("type").GetString());
        Assert.Equal(provinceName, province.GetProperty("unit").GetProperty("name").GetString());
        Assert.Equal(wardName, ward.GetProperty("unit").GetProperty("name").GetString());
        Assert.Equal(10, wards.Count);
        Assert.All(wards, t => Assert.Equal(wardType, t));
        Assert.Equal("Thành phố Đồng Nai", (await GetJsonAsync("/api/units/75?date=2026-11-01")).GetProperty("unit").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Every_stored_name_is_NFC_with_no_typographic_apostrophe()
    {
        await using var scope = App.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var names = await db.Units.Select(u => u.Name + "|" + u.Type).ToListAsync();
        var mappings = await db.UnitMappings.Select(m => (m.OldName ?? "") + "|" + (m.OldDistrictName ?? "") + "|" + (m.OldProvinceName ?? "") + "|" + m.NewName + "|" + m.NewProvinceName).ToListAsync();

        Assert.Equal(14_160, names.Count);
        Assert.Equal(10_977, mappings.Count);
        Assert.All(names.Concat(mappings), n => Assert.True(n.IsNormalized(NormalizationForm.FormC) && !n.Contains('\u2019', StringComparison.Ordinal), n));
    }

    [Theory]
    [InlineData("thanh hoa")]
    [InlineData("Thanh Hoá")]
    [InlineData("THANH HÓA")]
    [InlineData("Thanh Ho\u0061\u0301")] // NFD: a + combining acute
    public async Task Search_ignores_case_diacritics_tone_placement_and_normalisation(string query)
    {
        var page = await GetJsonAsync($"/api/units?q={Uri.EscapeDataString(query)}&date=2025-07-01");
        var first = page.GetProperty("items")[0];

        Assert.Equal("38", first.GetProperty("code").GetString());
        // The 2026 source spells it new-style ("Thanh Hoá"); the record is shown as published.
        Assert.Equal("province", first.GetProperty("level").GetString());
        Assert.StartsWith("Tỉnh Thanh Ho", first.GetProperty("name").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_by_code_prefix_puts_the_exact_code_first()
    {
        var exact = await GetJsonAsync("/api/units?q=26485&date=2025-07-01");
        var prefix = await GetJsonAsync("/api/units?q=264&date=2025-07-01&level=commune&pageSize=100");

        Assert.Equal("26485", exact.GetProperty("items")[0].GetProperty("code").GetString());
        Assert.All(prefix.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("264", i.GetProperty("code").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_is_paginated_with_a_total()
    {
        var first = await GetJsonAsync("/api/units?date=2025-07-01&level=commune&page=1&pageSize=100");
        var second = await GetJsonAsync("/api/units?date=2025-07-01&level=commune&page=2&pageSize=100");
        var last = await GetJsonAsync("/api/units?date=2025-07-01&level=commune&page=34&pageSize=100");

        Assert.Equal(100, first.GetProperty("items").GetArrayLength());
        Assert.Equal(21, last.GetProperty("items").GetArrayLength());
        Assert.Equal(3_321, second.GetProperty("total").GetInt32());
        Assert.Empty(first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString())
            .Intersect(second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString())));
    }

    [Theory]
    [InlineData("/api/units?date=2025-13-01", "DINH-REG-0101")]
    [InlineData("/api/units?date=yesterday", "DINH-REG-0101")]
    [InlineData("/api/units/38?date=01/07/2025", "DINH-REG-0101")]
    [InlineData("/api/units?level=hamlet", "DINH-REG-0102")]
    [InlineData("/api/units?pageSize=101", "DINH-REG-0103")]
    [InlineData("/api/units?page=0", "DINH-REG-0103")]
    [InlineData("/api/units/abc", "DINH-REG-0105")]
    public async Task Bad_input_is_a_400_problem_with_a_stable_code(string path, string code)
    {
        using var client = App.CreateClient();
        using var response = await client.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task A_code_that_names_no_unit_on_the_date_is_a_404_problem()
    {
        using var client = App.CreateClient();
        using var unknown = await client.GetAsync("/api/units/99999");
        using var districtAfterTheReform = await client.GetAsync("/api/units/001?date=2025-07-01");

        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "DINH-REG-0110");
        await AssertProblemAsync(districtAfterTheReform, HttpStatusCode.NotFound, "DINH-REG-0110");
    }

    [Fact]
    public async Task A_commune_of_the_old_structure_shows_its_district_and_province()
    {
        var unit = await GetJsonAsync("/api/units/00001?date=2025-06-30");

        Assert.Equal("Phường Phúc Xá", unit.GetProperty("unit").GetProperty("name").GetString());
        Assert.Equal(["01", "001"], unit.GetProperty("parents").EnumerateArray().Select(p => p.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Remap_moves_unambiguous_addresses_and_puts_the_rest_on_the_worklist_once()
    {
        // 00001 → 00097 (one coded row); 00157 has a coded row to 00160 and a name-only row elsewhere (split);
        // 06973 maps only to 06970, which no commune has; 23938 has no mapping at all.
        var moved = await AddResidenceAsync("00001");
        var household = await AddHouseholdAsync("26881");
        var split = await AddResidenceAsync("00157");
        var unresolvable = await AddResidenceAsync("06973");
        var unmapped = await AddResidenceAsync("23938");
        var current = await AddResidenceAsync("00004", AdministrativeStructure.TwoLevel);

        var dry = await App.RunDinhAsync("units", "remap-addresses", "--dry-run");
        var first = await App.RunDinhAsync("units", "remap-addresses");
        var second = await App.RunDinhAsync("units", "remap-addresses");

        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains("would move: 2", dry.Output, StringComparison.Ordinal);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("moved: 2", first.Output, StringComparison.Ordinal);
        Assert.Contains("ambiguous-split (worklist): 1", first.Output, StringComparison.Ordinal);
        Assert.Contains("unresolved (worklist): 2", first.Output, StringComparison.Ordinal);
        Assert.Contains("already current: 1", first.Output, StringComparison.Ordinal);
        Assert.Contains("new work items: 3", first.Output, StringComparison.Ordinal);
        Assert.Contains("moved: 0", second.Output, StringComparison.Ordinal);
        Assert.Contains("new work items: 0", second.Output, StringComparison.Ordinal);

        await using var scope = App.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var residence = await db.Residences.SingleAsync(r => r.Id == moved);
        Assert.Equal(("00097", AdministrativeStructure.TwoLevel), (residence.UnitCode, residence.UnitStructure));
        Assert.Equal("26882", (await db.Households.SingleAsync(h => h.Id == household)).UnitCode);
        Assert.Equal("00157", (await db.Residences.SingleAsync(r => r.Id == split)).UnitCode);
        Assert.Equal("00004", (await db.Residences.SingleAsync(r => r.Id == current)).UnitCode);

        var worklist = await db.RemapWorklist.ToListAsync();
        Assert.Equal(3, worklist.Count);
        var splitItem = worklist.Single(w => w.AddressId == split);
        Assert.Equal(RemapReason.SplitAcrossCommunes, splitItem.Reason);
        Assert.Contains("00160", splitItem.Candidates);
        Assert.True(splitItem.Candidates.Count > 1);
        Assert.Equal((RemapReason.MappingDoesNotResolve, "06970"), worklist.Single(w => w.AddressId == unresolvable) is var u ? (u.Reason, u.CandidateCodes) : default);
        Assert.Equal(RemapReason.NoMapping, worklist.Single(w => w.AddressId == unmapped).Reason);
        Assert.All(worklist, w => Assert.Equal(WorkItemStatus.Open, w.Status));

        var audit = await db.Set<AuditRecord>().Where(a => a.Action == "registry.address.remapped").ToListAsync();
        Assert.Equal(2, audit.Count);
        var record = audit.Single(a => a.Subject == $"residence:{moved}");
        Assert.Equal("system:cli", record.Actor);
        Assert.Equal("Resolution 202/2025/QH15; Decision 19/2025/QĐ-TTg", record.LegalBasis);
        Assert.Contains("\"to\":\"00097\"", record.Details, StringComparison.Ordinal);
        Assert.True((await App.VerifyAuditAsync()).Intact);
    }

    private async Task<Guid> AddResidenceAsync(string unitCode, AdministrativeStructure structure = AdministrativeStructure.ThreeLevel)
    {
        await using var scope = App.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var residence = new Residence
        {
            Id = Guid.CreateVersion7(),
            CitizenId = Guid.CreateVersion7(),
            Kind = ResidenceKind.Permanent,
            UnitCode = unitCode,
            UnitStructure = structure,
            AddressLine = "Số 1",
            ValidFrom = new DateOnly(2020, 1, 1),
        };
        db.Residences.Add(residence);
        await db.SaveChangesAsync();
        return residence.Id;
    }

    private async Task<Guid> AddHouseholdAsync(string unitCode)
    {
        await using var scope = App.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var household = new Household
        {
            Id = Guid.CreateVersion7(),
            HeadId = Guid.CreateVersion7(),
            UnitCode = unitCode,
            UnitStructure = AdministrativeStructure.ThreeLevel,
            AddressLine = "Số 2",
            EstablishedOn = new DateOnly(2019, 5, 1),
        };
        db.Households.Add(household);
        await db.SaveChangesAsync();
        return household.Id;
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = App.CreateClient();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }
}

public sealed class UnitsTestsOnSqlite(SqliteApp app) : UnitsTests(app), IClassFixture<SqliteApp>;

public sealed class UnitsTestsOnPostgres(PostgresApp app) : UnitsTests(app), IClassFixture<PostgresApp>;
