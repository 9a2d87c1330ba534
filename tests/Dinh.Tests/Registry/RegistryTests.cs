using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dinh.Registry.Contracts;
using Dinh.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dinh.Tests.Registry.RegistryDriver;

namespace Dinh.Tests.Registry;

/// <summary>The population registry through its API, on each database provider.</summary>
public abstract class RegistryTests(DinhApp fixture)
{
    private RegistryDriver Registry => new(fixture.Require());

    [Fact]
    public async Task Registry_API_requires_a_signed_in_officer()
    {
        await Registry.SeedUnitsAsync();
        using var anonymous = Registry.App.CreateClient();

        using var response = await anonymous.GetAsync($"/api/registry/citizens?number=001090000001&purpose=x");

        await ProblemAsync(response, HttpStatusCode.Unauthorized, "DINH-REG-0201");
    }

    [Fact]
    public async Task Demo_accounts_exist_only_in_Development_and_the_old_development_sign_in_is_gone()
    {
        // Not dispatching: outside Development a dispatching instance would refuse to start without real senders.
        await using var production = Registry.App.Factory.WithWebHostBuilder(host =>
            host.UseEnvironment("Production").UseSetting("Dinh:Messaging:Dispatch", "false")
                .UseSetting("Dinh:Services:AllowDevelopmentAdapters", "true"));
        using var client = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var page = await client.GetAsync("/dev/sign-in");
        using var development = await Registry.App.CreateClient().GetAsync("/dev/sign-in");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, development.StatusCode);
        Assert.Empty(production.Services.GetServices<Dinh.Platform.DemoAccount>());
        Assert.NotEmpty(Registry.App.Factory.Services.GetServices<Dinh.Platform.DemoAccount>());
    }

    [Fact]
    public async Task Birth_assigns_a_unique_personal_id_in_the_birth_province_with_century_sex_and_year()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);

        var first = await RegisterBirthAsync(officer, UniqueName("Khoa"), "2024-01-05", "female");
        var second = await RegisterBirthAsync(officer, UniqueName("Khoa"), "2024-01-05", "female");

        var number = first.GetProperty("personalIdNumber").GetString()!;
        Assert.StartsWith("001324", number, StringComparison.Ordinal); // Hà Nội 001, female born in the 2000s (3), 2024
        Assert.Null(PersonalIdNumber.Problem(number, Sex.Female, 2024));
        Assert.NotEqual(number, second.GetProperty("personalIdNumber").GetString());
        Assert.Equal(1, Version(first));
        Assert.Equal(number, first.GetProperty("idNumbers")[0].GetProperty("number").GetString());
        Assert.DoesNotContain(Registry.App.Logs.Lines, line => line.Contains(number, StringComparison.Ordinal)
            || line.Contains(first.GetProperty("fullName").GetString()!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_sent_decomposed_is_stored_composed_and_found_without_accents()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);
        var given = UniqueName("Hoà");

        var citizen = await RegisterBirthAsync(officer, given.Normalize(NormalizationForm.FormD), "1990-05-01");
        var found = await SearchAsync(officer, $"name={Uri.EscapeDataString(VietnameseText.AsciiKey(given).ToLowerInvariant())}&dateOfBirth=1990");

        Assert.Equal(given.Normalize(NormalizationForm.FormC), citizen.GetProperty("fullName").GetString());
        Assert.Contains(found.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == Id(citizen));
    }

    [Theory]
    [InlineData("Nguyễn Văn\u200B An", "invisible-character")]
    [InlineData("Nguyễn Văn\u0007An", "invisible-character")]
    [InlineData("Nguy\u0435n Văn An", "mixed-script")] // Cyrillic е
    [InlineData("Nguyễn Văn An 2", "invalid-character")]
    [InlineData("", "required")]
    public async Task Bad_names_are_refused_naming_the_field(string name, string problem)
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);

        using var response = await PostBirthAsync(officer, name);

        await AssertFieldAsync(response, "fullName", problem);
    }

    [Theory]
    [InlineData("2023-02-30", "impossible")]
    [InlineData("2023-13", "impossible")]
    [InlineData("30/01/2023", "format")]
    [InlineData("2999-01-01", "in-the-future")]
    [InlineData("1952-03", "incomplete")]
    public async Task Impossible_birth_dates_are_refused_naming_the_field(string date, string problem)
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);

        using var response = await PostBirthAsync(officer, "Lê Văn Bình", date);

        await AssertFieldAsync(response, "dateOfBirth", problem);
    }

    [Fact]
    public async Task Unknown_unit_codes_are_refused_naming_the_field()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);

        using var response = await PostBirthAsync(officer, "Lê Văn Bình", unit: "99999");

        await AssertFieldAsync(response, "registrationUnitCode", "unknown-unit");
    }

    [Theory]
    [InlineData("00109000000", "format")]
    [InlineData("0010900000011", "format")]
    [InlineData("00109000000A", "format")]
    [InlineData("003090000001", "province")]
    public async Task Search_by_an_invalid_number_names_the_field(string number, string problem)
    {
        using var officer = await Registry.SignInAsync(StewardNational);

        using var response = await officer.GetAsync($"/api/registry/citizens?number={number}&purpose=check");

        await AssertFieldAsync(response, "number", problem);
    }

    [Fact]
    public async Task A_partial_date_of_birth_is_kept_as_given()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Ba"), "1952-03-10");

        using var response = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new
        {
            version = Version(citizen), dateOfBirth = "1952-03", purpose = Purpose, legalBasis = "Hồ sơ điều chỉnh ĐC-1",
        });
        var corrected = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1952-03", corrected.GetProperty("dateOfBirth").GetString());
        Assert.Equal(citizen.GetProperty("personalIdNumber").GetString(), corrected.GetProperty("personalIdNumber").GetString());
    }

    [Fact]
    public async Task A_correction_of_sex_reassigns_the_number_and_the_old_number_still_finds_the_record()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Lan"), "1990-05-01", "male");
        var oldNumber = citizen.GetProperty("personalIdNumber").GetString()!;

        using var response = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new
        {
            version = Version(citizen), sex = "female", purpose = Purpose, legalBasis = "Quyết định xác định lại giới tính 12/QĐ",
        });
        var corrected = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var byOldNumber = await SearchAsync(officer, $"number={oldNumber}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var newNumber = corrected.GetProperty("personalIdNumber").GetString()!;
        Assert.NotEqual(oldNumber, newNumber);
        Assert.StartsWith("001190", newNumber, StringComparison.Ordinal);
        var history = corrected.GetProperty("idNumbers").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(oldNumber, history[0].GetProperty("number").GetString());
        Assert.NotEqual(JsonValueKind.Null, history[0].GetProperty("cancelledAt").ValueKind);
        Assert.Equal(Id(citizen), byOldNumber.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(1, byOldNumber.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_correction_with_a_stale_version_is_a_409_and_changes_nothing()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Minh"));
        using var first = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new
        {
            version = 1, birthplace = "Bệnh viện Bạch Mai", purpose = Purpose, legalBasis = "ĐC-2",
        });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/registry/citizens/{Id(citizen)}/corrections")
        {
            Content = JsonContent.Create(new { birthplace = "Hà Đông", purpose = Purpose, legalBasis = "ĐC-3" }),
        };
        request.Headers.IfMatch.ParseAdd("\"1\"");
        using var stale = await officer.SendAsync(request);
        var after = await GetAsync(officer, Id(citizen));

        await ProblemAsync(stale, HttpStatusCode.Conflict, "DINH-REG-0003");
        Assert.Equal("Bệnh viện Bạch Mai", after.GetProperty("birthplace").GetString());
        Assert.Equal(2, Version(after));
    }

    [Fact]
    public async Task Two_concurrent_corrections_of_the_same_version_one_wins_and_one_gets_409()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        using var other = await Registry.SignInAsync(StewardNational);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Tuấn"));

        var responses = await Task.WhenAll(
            officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new { version = 1, religion = "Phật giáo", purpose = Purpose, legalBasis = "A" }),
            other.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new { version = 1, religion = "Công giáo", purpose = Purpose, legalBasis = "B" }));
        var after = await GetAsync(officer, Id(citizen));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(2, Version(after));
        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/citizens/{Id(citizen)}/timeline?purpose=x");
        Assert.Equal(2, timeline.GetProperty("total").GetInt32());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Timeline_lists_every_version_with_actor_legal_basis_before_and_after()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Hùng"));
        using var corrected = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new
        {
            version = 1, hometown = "Nam Định", purpose = Purpose, legalBasis = "Hồ sơ ĐC-7",
        });

        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/citizens/{Id(citizen)}/timeline?purpose=x");

        var items = timeline.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([2, 1], items.Select(i => i.GetProperty("version").GetInt32()));
        Assert.Equal("registry.citizen.corrected", items[0].GetProperty("action").GetString());
        Assert.Equal("Hồ sơ ĐC-7", items[0].GetProperty("legalBasis").GetString());
        Assert.Equal("Nam Định", items[0].GetProperty("after").GetProperty("hometown").GetString());
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("before").GetProperty("hometown").ValueKind);
        Assert.StartsWith("officer:", items[0].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal("registry.birth.registered", items[1].GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_commune_officer_is_refused_a_citizen_of_another_commune_and_the_refusal_is_audited()
    {
        using var steward = await Registry.SignInAsync(StewardNational);
        using var commune = await Registry.SignInAsync(CivilStatusBaDinh);
        var citizen = await RegisterBirthAsync(steward, UniqueName("Sơn"), unit: SaiGon);

        using var read = await commune.GetAsync($"/api/registry/citizens/{Id(citizen)}?purpose=x");
        using var write = await commune.PostAsJsonAsync("/api/registry/events/deaths", new
        {
            citizenId = Id(citizen), version = 1, dateOfDeath = "2025-01-01", purpose = Purpose, legalBasis = "KT-1",
        });
        var found = await SearchAsync(commune, $"number={citizen.GetProperty("personalIdNumber").GetString()}");
        var refusals = await Registry.App.WithPlatformDbAsync(db => db.AuditRecords
            .Where(r => r.Action == "registry.access.refused" && r.Subject == $"citizen:{Id(citizen)}").CountAsync());

        await ProblemAsync(read, HttpStatusCode.Forbidden, "DINH-REG-0202");
        await ProblemAsync(write, HttpStatusCode.Forbidden, "DINH-REG-0202");
        Assert.Equal(0, found.GetProperty("total").GetInt32());
        Assert.Equal(2, refusals);
        Assert.Equal("Living", (await GetAsync(steward, Id(citizen))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_province_officer_sees_citizens_of_its_communes_and_every_read_is_audited()
    {
        using var province = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(province, UniqueName("Đức"), unit: HoanKiem);

        await GetAsync(province, Id(citizen));
        var reads = await Registry.App.WithPlatformDbAsync(db => db.AuditRecords
            .Where(r => r.Action == "registry.citizen.read" && r.Subject == $"citizen:{Id(citizen)}").ToListAsync());

        var read = Assert.Single(reads);
        Assert.Equal(Purpose, read.Purpose);
    }

    [Fact]
    public async Task Reading_a_record_requires_a_purpose()
    {
        using var officer = await Registry.SignInAsync(StewardNational);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Phúc"));

        using var response = await officer.GetAsync($"/api/registry/citizens/{Id(citizen)}");

        await AssertFieldAsync(response, "purpose", "required");
    }

    [Fact]
    public async Task Death_marks_deceased_ends_residence_and_household_membership_and_needs_a_new_head()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var head = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Hải"), "1960-01-01"), BaDinh, "12 Phố Đội Cấn");
        var householdId = head.GetProperty("household").GetProperty("id").GetGuid();
        var wife = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, "Trần Thị Mai", "1962-02-02", "female"), BaDinh, "",
            householdId, "Vợ");

        using var noSuccessor = await officer.PostAsJsonAsync("/api/registry/events/deaths", new
        {
            citizenId = Id(head), version = Version(head), dateOfDeath = "2025-09-01", purpose = Purpose, legalBasis = "Trích lục khai tử KT-9",
        });
        var untouched = await GetAsync(officer, Id(head));
        using var died = await officer.PostAsJsonAsync("/api/registry/events/deaths", new
        {
            citizenId = Id(head), version = Version(head), dateOfDeath = "2025-09-01", newHeadId = Id(wife), purpose = Purpose,
            legalBasis = "Trích lục khai tử KT-9",
        });
        var deceased = JsonDocument.Parse(await died.Content.ReadAsStringAsync()).RootElement;
        var household = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/households/{householdId}?purpose=x");

        await ProblemAsync(noSuccessor, HttpStatusCode.Conflict, "DINH-REG-0006");
        Assert.Equal("Living", untouched.GetProperty("status").GetString());
        Assert.True(untouched.GetProperty("residences")[0].GetProperty("active").GetBoolean());
        Assert.Equal(Version(head), Version(untouched));

        Assert.Equal(HttpStatusCode.OK, died.StatusCode);
        Assert.Equal("Deceased", deceased.GetProperty("status").GetString());
        Assert.Equal("2025-09-01", deceased.GetProperty("dateOfDeath").GetString());
        var residence = Assert.Single(deceased.GetProperty("residences").EnumerateArray());
        Assert.False(residence.GetProperty("active").GetBoolean());
        Assert.Equal("death", residence.GetProperty("endReason").GetString());
        Assert.Equal(JsonValueKind.Null, deceased.GetProperty("household").ValueKind);
        Assert.Equal(Id(wife), household.GetProperty("headId").GetGuid());
        var member = Assert.Single(household.GetProperty("members").EnumerateArray());
        Assert.True(member.GetProperty("isHead").GetBoolean());
        Assert.Equal("Chủ hộ", member.GetProperty("relationToHead").GetString());
    }

    [Fact]
    public async Task Marriage_links_both_spouses_and_divorce_unlinks_them()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var husband = await RegisterBirthAsync(officer, UniqueName("Nam"), "1992-01-01");
        var wife = await RegisterBirthAsync(officer, "Phạm Thị Ngọc", "1994-01-01", "female");

        using var married = await officer.PostAsJsonAsync("/api/registry/events/marriages", new
        {
            citizenId = Id(husband), version = 1, spouseId = Id(wife), spouseVersion = 1, occurredOn = "2025-10-10", purpose = Purpose,
            legalBasis = "Giấy chứng nhận kết hôn KH-1",
        });
        var wifeMarried = await GetAsync(officer, Id(wife));
        using var again = await officer.PostAsJsonAsync("/api/registry/events/marriages", new
        {
            citizenId = Id(wife), version = Version(wifeMarried), spouseId = Id(husband), occurredOn = "2025-10-11", purpose = Purpose, legalBasis = "KH-2",
        });
        using var divorced = await officer.PostAsJsonAsync("/api/registry/events/divorces", new
        {
            citizenId = Id(wife), version = Version(wifeMarried), occurredOn = "2025-11-01", purpose = Purpose, legalBasis = "Bản án ly hôn 5/2025",
        });
        var husbandAfter = await GetAsync(officer, Id(husband));

        Assert.Equal(HttpStatusCode.OK, married.StatusCode);
        Assert.Equal(Id(husband), wifeMarried.GetProperty("spouseId").GetGuid());
        await ProblemAsync(again, HttpStatusCode.Conflict, "DINH-REG-0004");
        Assert.Equal(HttpStatusCode.OK, divorced.StatusCode);
        Assert.Equal(JsonValueKind.Null, husbandAfter.GetProperty("spouseId").ValueKind);
        Assert.Equal(["Birth", "Marriage", "Divorce"], husbandAfter.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_name_change_recomputes_the_matching_keys()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, "Đặng Thị Thuý", "1985-04-04", "female");
        var newName = UniqueName("Thủy");

        using var changed = await officer.PostAsJsonAsync("/api/registry/events/name-changes", new
        {
            citizenId = Id(citizen), version = 1, fullName = newName, occurredOn = "2025-10-01", purpose = Purpose, legalBasis = "Quyết định đổi tên 3/QĐ",
        });
        var byNewName = await SearchAsync(officer, $"name={Uri.EscapeDataString(VietnameseText.AsciiKey(newName))}&dateOfBirth=1985-04-04");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains(byNewName.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == Id(citizen));
    }

    [Fact]
    public async Task Temporary_residence_longer_than_two_years_is_refused()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Long"));

        using var response = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/residences", new
        {
            version = 1, kind = "temporary", unitCode = HoanKiem, addressLine = "5 Hàng Bạc", validFrom = "2025-08-01", validUntil = "2027-08-02",
            purpose = Purpose, legalBasis = "TTR-1",
        });
        using var accepted = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/residences", new
        {
            version = 1, kind = "temporary", unitCode = HoanKiem, addressLine = "5 Hàng Bạc", validFrom = "2025-08-01", validUntil = "2027-08-01",
            purpose = Purpose, legalBasis = "TTR-1",
        });

        await AssertFieldAsync(response, "validUntil", "too-late");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Separation_gives_both_households_exactly_one_head()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var head = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Quang"), "1950-01-01"), BaDinh, "3 Phố Kim Mã");
        var householdId = head.GetProperty("household").GetProperty("id").GetGuid();
        var son = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Quân"), "1980-01-01"), BaDinh, "", householdId, "Con");
        var grandson = await RegisterBirthAsync(officer, UniqueName("Khang"), "2010-01-01", extra: new { householdId, relationToHead = "Cháu" });
        var household = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/households/{householdId}?purpose=x");

        using var separated = await officer.PostAsJsonAsync($"/api/registry/households/{householdId}/separations", new
        {
            version = household.GetProperty("version").GetInt32(), newHeadId = Id(son), on = "2025-11-01", addressLine = "3A Phố Kim Mã",
            members = new object[] { new { citizenId = Id(son) }, new { citizenId = Id(grandson), relationToHead = "Con" } },
            purpose = Purpose, legalBasis = "Hồ sơ tách hộ TH-1",
        });
        var created = JsonDocument.Parse(await separated.Content.ReadAsStringAsync()).RootElement;
        var old = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/households/{householdId}?purpose=x");

        Assert.Equal(HttpStatusCode.Created, separated.StatusCode);
        Assert.Equal(3, household.GetProperty("members").GetArrayLength());
        Assert.Single(created.GetProperty("members").EnumerateArray(), m => m.GetProperty("isHead").GetBoolean());
        Assert.Equal(Id(son), created.GetProperty("headId").GetGuid());
        Assert.Equal(2, created.GetProperty("members").GetArrayLength());
        var remaining = Assert.Single(old.GetProperty("members").EnumerateArray());
        Assert.Equal(Id(head), remaining.GetProperty("citizenId").GetGuid());
        Assert.True(remaining.GetProperty("isHead").GetBoolean());
    }

    [Fact]
    public async Task A_refused_write_leaves_nothing_half_written()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var head = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Tâm"), "1970-01-01"), BaDinh, "9 Phố Liễu Giai");
        var householdId = head.GetProperty("household").GetProperty("id").GetGuid();
        var daughter = await RegisterBirthAsync(officer, UniqueName("Linh"), "2000-01-01", "female", extra: new { householdId, relationToHead = "Con" });
        var before = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/households/{householdId}?purpose=x");

        // The second member is not in the household: the whole separation is refused, the first member included.
        using var refused = await officer.PostAsJsonAsync($"/api/registry/households/{householdId}/separations", new
        {
            version = before.GetProperty("version").GetInt32(), newHeadId = Id(daughter), on = "2025-11-01",
            members = new object[] { new { citizenId = Id(daughter) }, new { citizenId = Guid.NewGuid(), relationToHead = "Con" } },
            purpose = Purpose, legalBasis = "TH-2",
        });
        var after = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/households/{householdId}?purpose=x");
        var daughterAfter = await GetAsync(officer, Id(daughter));

        await AssertFieldAsync(refused, "members[1].citizenId", "not-a-member");
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal(2, after.GetProperty("members").GetArrayLength());
        Assert.Equal(Version(daughter), Version(daughterAfter));
        Assert.Single(daughterAfter.GetProperty("residences").EnumerateArray());
    }

    [Fact]
    public async Task Oversized_payloads_are_refused_before_anything_is_written()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);

        using var response = await PostBirthAsync(officer, "Lê Văn An", extra: new { birthplace = new string('x', 2 * 1024 * 1024) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Citizen_API_is_in_the_OpenAPI_document()
    {
        using var client = Registry.App.CreateClient();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/registry/citizens/{id}/corrections", document, StringComparison.Ordinal);
        Assert.Contains("/api/registry/events/births", document, StringComparison.Ordinal);
    }
}

public sealed class RegistryTestsOnSqlite(SqliteApp app) : RegistryTests(app), IClassFixture<SqliteApp>;

public sealed class RegistryTestsOnPostgres(PostgresApp app) : RegistryTests(app), IClassFixture<PostgresApp>;

/// <summary>The personal ID number and partial-date rules, without a server.</summary>
public sealed class PersonalIdNumberTests
{
    [Theory]
    [InlineData("001090123456", Sex.Male, 1990, null)]
    [InlineData("079303123456", Sex.Female, 2003, null)]
    [InlineData("003090123456", Sex.Male, 1990, "province")]
    [InlineData("001190123456", Sex.Male, 1990, "sex")]
    [InlineData("001290123456", Sex.Male, 1990, "birth-year")]
    [InlineData("001091123456", Sex.Male, 1990, "birth-year")]
    [InlineData("00109012345", Sex.Male, 1990, "format")]
    [InlineData("0010901234567", Sex.Male, 1990, "format")]
    [InlineData("00109012345A", Sex.Male, 1990, "format")]
    [InlineData("００1090123456", Sex.Male, 1990, "format")]
    public void Validation_table(string number, Sex sex, int year, string? problem) =>
        Assert.Equal(problem, PersonalIdNumber.Problem(number, sex, year));

    [Theory]
    [InlineData("1948", "1948")]
    [InlineData("1952-03", "1952-03")]
    [InlineData("2024-02-29", "2024-02-29")]
    [InlineData("2023-02-29", null)]
    [InlineData("1899", null)]
    [InlineData("1952-3", null)]
    public void Partial_dates(string text, string? parsed) =>
        Assert.Equal(parsed, PartialDate.Parse(text, out _)?.ToString());
}

/// <summary>Further registry rules on SQLite: roles, deregistration, ID cards, unit search, tone-placement ranking.</summary>
public sealed class RegistryRulesTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private RegistryDriver Registry => new(app);

    [Fact]
    public async Task A_residence_police_officer_cannot_register_a_birth()
    {
        using var police = await Registry.SignInAsync(PoliceHoanKiem);

        using var response = await PostBirthAsync(police, "Lê Văn An", unit: HoanKiem);

        await ProblemAsync(response, HttpStatusCode.Forbidden, "DINH-REG-0203");
    }

    [Fact]
    public async Task Deregistration_ends_permanent_residence_and_membership_and_a_lone_head_dissolves_the_household()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Vũ")), HoanKiem, "7 Hàng Đào");
        var householdId = citizen.GetProperty("household").GetProperty("id").GetGuid();

        using var response = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/deregistration", new
        {
            version = Version(citizen), on = "2025-10-01", reason = "Vắng mặt liên tục 12 tháng", purpose = Purpose, legalBasis = "Quyết định xóa thường trú 7/QĐ",
        });
        var after = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var household = await officer.GetFromJsonAsync<JsonElement>($"/api/registry/households/{householdId}?purpose=x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Vắng mặt liên tục 12 tháng", after.GetProperty("residences")[0].GetProperty("endReason").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("household").ValueKind);
        Assert.Equal("2025-10-01", household.GetProperty("dissolvedOn").GetString());
        Assert.Equal(0, household.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task ID_card_issuance_is_recorded_by_a_correction()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var citizen = await RegisterBirthAsync(officer, UniqueName("Thắng"));

        using var response = await officer.PostAsJsonAsync($"/api/registry/citizens/{Id(citizen)}/corrections", new
        {
            version = 1, idCardNumber = citizen.GetProperty("personalIdNumber").GetString(), idCardIssuedOn = "2025-07-01",
            idCardExpiresOn = "2030-05-01", purpose = Purpose, legalBasis = "Cấp thẻ căn cước CC-1",
        });
        var after = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2030-05-01", after.GetProperty("idCard").GetProperty("expiresOn").GetString());
    }

    [Fact]
    public async Task Search_by_commune_lists_its_residents_a_page_at_a_time()
    {
        using var officer = await Registry.SignInAsync(StewardNational);
        for (var i = 0; i < 3; i++)
        {
            await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Sài"), unit: SaiGon), SaiGon, $"{i} Lê Lợi");
        }

        var first = await SearchAsync(officer, $"unit={SaiGon}&pageSize=2");
        var second = await SearchAsync(officer, $"unit={SaiGon}&pageSize=2&page=2");
        var past = await SearchAsync(officer, $"unit={SaiGon}&pageSize=2&page=3");
        using var unknown = await officer.GetAsync("/api/registry/citizens?unit=12345&purpose=x");

        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        // The total is the same whether it is counted (a full page, a page past the end) or read off a partial page.
        Assert.Equal(3, second.GetProperty("total").GetInt32());
        Assert.Equal(0, past.GetProperty("items").GetArrayLength());
        Assert.Equal(3, past.GetProperty("total").GetInt32());
        await AssertFieldAsync(unknown, "unit", "unknown-unit");
    }

    [Fact]
    public async Task Name_search_ignores_tone_placement_and_ranks_the_same_tones_first()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        // Registered first, so that an order by record alone would list it first.
        var otherTone = await RegisterBirthAsync(officer, "Lý Thị Hoa Khanh", "1977-07-07", "female");
        var oldStyle = await RegisterBirthAsync(officer, "Lý Thị Hòa Khánh", "1977-07-07", "female");

        var found = await SearchAsync(officer, $"name={Uri.EscapeDataString("Lý Thị Hoà Khánh")}&dateOfBirth=1977-07");

        var ids = found.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([Id(oldStyle), Id(otherTone)], ids);
    }
}
