using System.Globalization;
using System.Net;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// The civil-status officer's pages for guardianships and for cancelling a death registered in error: the same rules
/// as the API, field errors next to the field, and the e-ID account following (link, unlink, lock lifted).
/// </summary>
public abstract class GuardianshipPageTests(DinhApp fixture)
{
    [Fact]
    public async Task The_officer_records_a_guardianship_on_the_page_and_ending_it_there_unlinks_the_ward_account()
    {
        var app = fixture.Require();
        var guardian = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var registry = new RegistryDriver(app);
        using var clerk = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var wardName = RegistryDriver.UniqueName("Giám");
        var ward = await RegistryDriver.RegisterBirthAsync(clerk, wardName, "2019-03-04", "female");
        var form = FormPath(ward, "guardianship");
        var token = await DinhApp.GetAntiforgeryTokenAsync(clerk, form);

        using var unknown = await PostAsync(clerk, form, token, new()
        {
            ["version"] = Version(ward), ["guardianNumber"] = "001099000000", ["startsOn"] = "2025-01-01", ["legalBasis"] = "Quyết định cử giám hộ 5/QĐ",
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("id=\"f-guardianNumber-error\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var recorded = await PostAsync(clerk, form, token, new()
        {
            ["version"] = Version(ward), ["guardianNumber"] = guardian.Number, ["startsOn"] = "2025-01-01", ["legalBasis"] = "Quyết định cử giám hộ 5/QĐ",
        });
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);

        using var browser = await AccountsDriver.SignInCitizenAsync(app, guardian);
        using (var created = await AccountsDriver.RegisterChildAsync(browser, ward.GetProperty("personalIdNumber").GetString()!, wardName, "2019-03-04"))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        Assert.Equal(guardian.AccountId, (await WardAccountAsync(app, RegistryDriver.Id(ward))).GuardianAccountId);

        var current = await RegistryDriver.GetAsync(clerk, RegistryDriver.Id(ward));
        var endForm = FormPath(ward, "guardianship/end");
        using var ended = await PostAsync(clerk, endForm, await DinhApp.GetAntiforgeryTokenAsync(clerk, endForm), new()
        {
            ["version"] = Version(current), ["guardianNumber"] = guardian.Number, ["endedOn"] = Today(), ["legalBasis"] = "Quyết định chấm dứt giám hộ 6/QĐ",
        });
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Null((await WardAccountAsync(app, RegistryDriver.Id(ward))).GuardianAccountId);
        Assert.DoesNotContain(wardName, await browser.GetStringAsync("/account/children"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_death_on_the_page_makes_the_citizen_living_and_lifts_the_account_lock()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var registry = new RegistryDriver(app);
        using var clerk = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        await LockRequestTests.RegisterDeathAsync(clerk, citizen.CitizenId);
        var dead = await RegistryDriver.GetAsync(clerk, citizen.CitizenId);
        var form = FormPath(dead, "death/cancel");
        var token = await DinhApp.GetAntiforgeryTokenAsync(clerk, form);

        using var noBasis = await PostAsync(clerk, form, token, new() { ["version"] = Version(dead), ["legalBasis"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noBasis.StatusCode);
        Assert.Contains("id=\"f-legalBasis-error\"", await noBasis.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var cancelled = await PostAsync(clerk, form, token, new() { ["version"] = Version(dead), ["legalBasis"] = "Quyết định hủy khai tử 7/QĐ" });

        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal(AccountLock.None, (await WardAccountAsync(app, citizen.CitizenId)).Lock);
        using var after = app.CreateClient(cookies: new CookieContainer());
        using var signIn = await AccountsDriver.PostLoginAsync(after, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    private static string FormPath(System.Text.Json.JsonElement citizen, string action) =>
        $"/officer/citizens/{RegistryDriver.Id(citizen)}/{action}?purpose={Uri.EscapeDataString(RegistryDriver.Purpose)}";

    private static string Version(System.Text.Json.JsonElement citizen) => RegistryDriver.Version(citizen).ToString(CultureInfo.InvariantCulture);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string token, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = token;
        return client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static async Task<Account> WardAccountAsync(DinhApp app, Guid citizenId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstAsync(a => a.CitizenId == citizenId);
    }

    private static string Today() => VietnamTime.Today(TimeProvider.System).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed class GuardianshipPageTestsOnSqlite(SqliteApp app) : GuardianshipPageTests(app), IClassFixture<SqliteApp>;

public sealed class GuardianshipPageTestsOnPostgres(PostgresApp app) : GuardianshipPageTests(app), IClassFixture<PostgresApp>;
