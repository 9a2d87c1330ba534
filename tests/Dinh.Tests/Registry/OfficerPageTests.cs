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
}
