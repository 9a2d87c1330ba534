using System.Net;
using Dinh.Registry.Contracts;
using Dinh.Tests.Infrastructure;
using static Dinh.Tests.Registry.RegistryDriver;

namespace Dinh.Tests.Registry;

/// <summary>The officer pages over HTTP: sign-in redirect, search, record with timeline, a form's field errors.</summary>
public sealed class OfficerPageTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private RegistryDriver Registry => new(app);

    [Fact]
    public async Task Officer_pages_send_an_anonymous_visitor_to_the_sign_in_page()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/officer/citizens");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login?ReturnUrl=%2Fofficer%2Fcitizens", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bhxh.hanoi", "Bảo hiểm xã hội · 01")]
    [InlineData("tuphap.hanoi", "Lý lịch tư pháp · 01")]
    [InlineData(CivilStatusBaDinh, "Hộ tịch · 00004")]
    public async Task The_search_page_names_every_officer_role(string login, string shown)
    {
        using var officer = await Registry.SignInAsync(login);

        var page = await officer.GetStringAsync("/officer/citizens");

        Assert.Contains(shown, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Role.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_page_turns_pages()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);
        var name = UniqueName("Trang");
        for (var i = 0; i < 21; i++)
        {
            await RegisterBirthAsync(officer, name, "2001-05-06");
        }
        var query = $"/officer/citizens?name={Uri.EscapeDataString(name)}&dateOfBirth=2001&purpose={Uri.EscapeDataString(Purpose)}";

        var first = await officer.GetStringAsync(query);
        var second = await officer.GetStringAsync(query + "&page=2");

        Assert.Equal(20, System.Text.RegularExpressions.Regex.Count(first, "href=\"/officer/citizens/[0-9a-f-]{36}"));
        Assert.Contains("rel=\"next\"", first, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(second, "href=\"/officer/citizens/[0-9a-f-]{36}"));
    }

    [Fact]
    public async Task Search_without_accents_finds_the_citizen_and_the_record_shows_the_timeline()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);
        var name = UniqueName("Hoà");
        var citizen = await RegisterBirthAsync(officer, name, "1991-02-03");

        var results = await officer.GetStringAsync($"/officer/citizens?name={Uri.EscapeDataString(VietnameseText.AsciiKey(name))}&dateOfBirth=1991&purpose={Uri.EscapeDataString(Purpose)}");
        var record = await officer.GetStringAsync($"/officer/citizens/{Id(citizen)}?purpose={Uri.EscapeDataString(Purpose)}");

        Assert.Contains(name, results, StringComparison.Ordinal);
        Assert.Contains($"/officer/citizens/{Id(citizen)}", results, StringComparison.Ordinal);
        Assert.Contains("Lịch sử thay đổi", record, StringComparison.Ordinal);
        Assert.Contains("registry.birth.registered", record, StringComparison.Ordinal);
        Assert.Contains(citizen.GetProperty("personalIdNumber").GetString()!, record, StringComparison.Ordinal);

        using var english = new HttpRequestMessage(HttpMethod.Get, $"/officer/citizens/{Id(citizen)}?purpose=x");
        english.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den%7Cuic%3Den");
        using var englishRecord = await officer.SendAsync(english);
        Assert.Contains("<h2 id=\"timeline-title\">Timeline</h2>", await englishRecord.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_birth_form_shows_the_error_next_to_the_field()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);
        var token = await DinhApp.GetAntiforgeryTokenAsync(officer, "/officer/citizens/birth");

        using var response = await officer.PostAsync("/officer/citizens/birth", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["fullName"] = "Nguy\u0435n Văn An", ["dateOfBirth"] = "2025-02-30", ["sex"] = "male", ["registrationUnitCode"] = BaDinh,
            ["purpose"] = Purpose, ["legalBasis"] = "KS-1", ["__RequestVerificationToken"] = token,
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("id=\"f-fullName-error\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"f-dateOfBirth-error\"", html, StringComparison.Ordinal);
        Assert.Contains("Ngày này không tồn tại.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marriage_and_name_change_forms_change_the_record()
    {
        using var officer = await Registry.SignInAsync(CivilStatusBaDinh);
        var husband = await RegisterBirthAsync(officer, UniqueName("Tùng"), "1992-04-05");
        var wife = await RegisterBirthAsync(officer, UniqueName("Thủy"), "1994-06-07", "female");
        var form = $"/officer/citizens/{Id(husband)}/marriage?purpose={Uri.EscapeDataString(Purpose)}";
        var token = await DinhApp.GetAntiforgeryTokenAsync(officer, form);

        using var unknown = await PostFormAsync(officer, form, token, new() { ["version"] = "1", ["spouseNumber"] = "001099000000", ["occurredOn"] = "2026-01-10", ["legalBasis"] = "KH-1" });
        using var married = await PostFormAsync(officer, form, token, new()
        {
            ["version"] = Version(husband).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["spouseNumber"] = wife.GetProperty("personalIdNumber").GetString()!, ["occurredOn"] = "2026-01-10", ["legalBasis"] = "KH-1",
        });
        var renamed = UniqueName("Thủy Tiên");
        var nameForm = $"/officer/citizens/{Id(wife)}/name-change?purpose={Uri.EscapeDataString(Purpose)}";
        var wifeNow = await GetAsync(officer, Id(wife));
        using var changed = await PostFormAsync(officer, nameForm, await DinhApp.GetAntiforgeryTokenAsync(officer, nameForm), new()
        {
            ["version"] = Version(wifeNow).ToString(System.Globalization.CultureInfo.InvariantCulture), ["fullName"] = renamed,
            ["occurredOn"] = "2026-02-01", ["legalBasis"] = "TĐ-1",
        });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("id=\"f-spouseNumber-error\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, married.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var after = await GetAsync(officer, Id(husband));
        Assert.Equal(Id(wife), after.GetProperty("spouseId").GetGuid());
        Assert.Equal(renamed, (await GetAsync(officer, Id(wife))).GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task Separation_form_moves_the_ticked_members_into_a_new_household()
    {
        using var officer = await Registry.SignInAsync(StewardHanoi);
        var head = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Quang"), "1950-01-01"), BaDinh, "3 Phố Kim Mã");
        var householdId = head.GetProperty("household").GetProperty("id").GetGuid();
        var son = await PermanentResidenceAsync(officer, await RegisterBirthAsync(officer, UniqueName("Quân"), "1980-01-01"), BaDinh, "", householdId, "Con");
        var grandson = await RegisterBirthAsync(officer, UniqueName("Khang"), "2010-01-01", extra: new { householdId, relationToHead = "Cháu" });
        var form = $"/officer/citizens/{Id(son)}/separation?purpose={Uri.EscapeDataString(Purpose)}";
        var page = await officer.GetStringAsync(form);
        var token = await DinhApp.GetAntiforgeryTokenAsync(officer, form);
        var version = (await GetAsync(officer, Id(head))).GetProperty("household").GetProperty("version").GetInt32()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var missingRelation = await PostFormAsync(officer, form, token,
            new() { ["householdVersion"] = version, ["members"] = $"{Id(son)}\n{Id(grandson)}", ["newHeadId"] = Id(son).ToString(), ["on"] = "2026-03-01", ["legalBasis"] = "TH-2" });
        using var separated = await PostFormAsync(officer, form, token, new()
        {
            ["householdVersion"] = version, ["members"] = $"{Id(son)}\n{Id(grandson)}", ["newHeadId"] = Id(son).ToString(),
            [$"relation-{Id(grandson)}"] = "Con", ["on"] = "2026-03-01", ["legalBasis"] = "TH-2",
        });

        Assert.Contains($"id=\"leave-{Id(grandson)}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"leave-{Id(head)}\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingRelation.StatusCode);
        Assert.Contains($"id=\"f-relation-{Id(grandson)}-error\"", await missingRelation.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, separated.StatusCode);
        var sonNow = await GetAsync(officer, Id(son));
        Assert.NotEqual(householdId, sonNow.GetProperty("household").GetProperty("id").GetGuid());
        Assert.Equal(Id(son), sonNow.GetProperty("household").GetProperty("headId").GetGuid());
        Assert.Single((await GetAsync(officer, Id(head))).GetProperty("household").GetProperty("members").EnumerateArray());
    }

    /// <summary>Posts a form; a value with line breaks is sent as repeated fields (checkboxes).</summary>
    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string token, Dictionary<string, string> fields)
    {
        var pairs = fields.SelectMany(f => f.Value.Split('\n').Select(v => new KeyValuePair<string, string>(f.Key, v)))
            .Append(new("__RequestVerificationToken", token));
        return client.PostAsync(path, new FormUrlEncodedContent(pairs));
    }
}
