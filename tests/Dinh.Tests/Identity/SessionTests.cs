using System.Diagnostics;
using System.Net;
using Dinh.Identity.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// Browser sessions end where they are ended at once, and on another instance within its session-check interval
/// (ADR 0016: an instance re-reads a session it found valid at most every <c>Dinh:Identity:SessionCheckInterval</c>).
/// </summary>
public abstract class SessionTests(DinhApp fixture)
{
    [Fact]
    public async Task A_citizen_who_opens_an_administration_page_is_told_access_is_denied_in_a_403_page_not_a_missing_one()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);

        using var staff = await browser.GetAsync(new Uri("/admin/staff?page=2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, staff.StatusCode);
        using var denied = await browser.GetAsync(staff.Headers.Location);
        var page = await denied.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("Không có quyền truy cập", page, StringComparison.Ordinal);
        Assert.Contains("/admin/staff", page, StringComparison.Ordinal);
        Assert.DoesNotContain("page=2", page, StringComparison.Ordinal);
        Assert.Contains("action=\"/account/logout\"", page, StringComparison.Ordinal);
        // The officers' pages, which check the officer themselves, answer the same way (not the sign-in form again).
        foreach (var officerPage in new[] { "/officer/citizens", "/officer/eid", "/officer/dossiers" })
        {
            using var officer = await browser.GetAsync(new Uri(officerPage, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, officer.StatusCode);
            Assert.Contains("/account/denied?", officer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        // A return address that is not a path of this site is not repeated.
        using var foreign = await browser.GetAsync(new Uri("/account/denied?ReturnUrl=https%3A%2F%2Fevil.example%2Fx", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("không được mở trang đó", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_area_start_page_lists_only_the_pages_the_signed_in_account_may_open()
    {
        var app = fixture.Require();
        var officerPages = new[] { "/officer/citizens", "/officer/citizens/birth", "/officer/quality", "/officer/eid", "/officer/eid/queue", "/officer/eid/locks", "/officer/dossiers" };
        var adminPages = new[] { "/admin/staff", "/admin/clients", "/admin/exchange", "/admin/procedures", "/admin/holidays" };

        // Signed out: every page is listed (each asks for the sign-in it needs), with no note.
        using var visitor = app.CreateClient(cookies: new CookieContainer());
        var open = await visitor.GetStringAsync(new Uri("/officer", UriKind.Relative));
        Assert.All(officerPages, path => Assert.Contains($"href=\"{path}\"", open, StringComparison.Ordinal));
        Assert.DoesNotContain("area-hidden", open, StringComparison.Ordinal);

        // Each officer sees what their role and jurisdiction open, and a note that the rest is left off.
        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [Registry.RegistryDriver.CivilStatusBaDinh] = ["/officer/citizens", "/officer/citizens/birth", "/officer/dossiers"],
            [Registry.RegistryDriver.PoliceHoanKiem] = ["/officer/citizens", "/officer/eid", "/officer/eid/queue", "/officer/eid/locks", "/officer/dossiers"],
            [Registry.RegistryDriver.StewardNational] = ["/officer/citizens", "/officer/citizens/birth", "/officer/quality", "/officer/eid", "/officer/eid/queue", "/officer/dossiers"],
            [LockRequestTests.C06] = ["/officer/citizens", "/officer/eid", "/officer/eid/queue", "/officer/eid/locks", "/officer/dossiers"],
        };
        foreach (var (login, shown) in expected)
        {
            using var officer = await AccountsDriver.SignInStaffAsync(app, login);
            var page = await officer.GetStringAsync(new Uri("/officer", UriKind.Relative));
            foreach (var path in officerPages)
            {
                Assert.True(page.Contains($"href=\"{path}\"", StringComparison.Ordinal) == shown.Contains(path), $"{login}: {path}");
                // Listed means it opens: the page's own check agrees with the list.
                if (shown.Contains(path))
                {
                    using var response = await officer.GetAsync(new Uri(path, UriKind.Relative));
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{login}: {path} answered {(int)response.StatusCode}");
                }
            }
            Assert.Contains("id=\"area-hidden\"", page, StringComparison.Ordinal);
            var admin = await officer.GetStringAsync(new Uri("/admin", UriKind.Relative));
            Assert.All(adminPages, path => Assert.DoesNotContain($"href=\"{path}\"", admin, StringComparison.Ordinal));
            // A citizen's dossiers are not a staff account's, and a procedure says so instead of offering a sign-in
            // that would lead back to it.
            var citizenArea = await officer.GetStringAsync(new Uri("/citizen", UriKind.Relative));
            Assert.DoesNotContain("href=\"/citizen/dossiers\"", citizenArea, StringComparison.Ordinal);
            Assert.Contains("id=\"area-hidden\"", citizenArea, StringComparison.Ordinal);
            var procedure = await officer.GetStringAsync(new Uri("/citizen/services/birth-registration", UriKind.Relative));
            Assert.Contains("id=\"not-citizen\"", procedure, StringComparison.Ordinal);
            Assert.DoesNotContain("/account/login?returnUrl", procedure, StringComparison.Ordinal);
        }

        // The administrator sees the administration's pages; a citizen none of the officers' pages, and all of the citizen's.
        using var administrator = await AccountsDriver.SignInStaffAsync(app, Dinh.Identity.Seeding.DemoAccounts.AdministratorLogin);
        var adminHome = await administrator.GetStringAsync(new Uri("/admin", UriKind.Relative));
        Assert.All(adminPages, path => Assert.Contains($"href=\"{path}\"", adminHome, StringComparison.Ordinal));
        Assert.DoesNotContain("area-hidden", adminHome, StringComparison.Ordinal);
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);
        var officerHome = await browser.GetStringAsync(new Uri("/officer", UriKind.Relative));
        Assert.All(officerPages, path => Assert.DoesNotContain($"href=\"{path}\"", officerHome, StringComparison.Ordinal));
        Assert.Contains("không có quyền mở không được liệt kê", officerHome, StringComparison.Ordinal);
        var citizenHome = await browser.GetStringAsync(new Uri("/citizen", UriKind.Relative));
        Assert.Contains("href=\"/account\"", citizenHome, StringComparison.Ordinal);
        Assert.Contains("href=\"/citizen/dossiers\"", citizenHome, StringComparison.Ordinal);
        Assert.DoesNotContain("area-hidden", citizenHome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_other_browser_on_the_same_instance_at_its_next_request()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var phone = await SignInAsync(app, citizen);
        using var laptop = await SignInAsync(app, citizen);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(phone));

        using (var ended = await PostSignOutEverywhereAsync(laptop))
        {
            Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(phone));
        Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(laptop));
    }

    [Fact]
    public async Task A_session_ended_by_another_instance_ends_here_within_the_check_interval()
    {
        var app = fixture.Require();
        var interval = TimeSpan.FromSeconds(1);
        var (other, address) = await app.StartInstanceAsync(settings: new Dictionary<string, string?>
        {
            ["Dinh:Identity:SessionCheckInterval"] = interval.ToString(),
        });
        try
        {
            var citizen = await CitizenAccounts.CreateAsync(app);
            var cookies = new CookieContainer();
            using var here = app.CreateClient(cookies: cookies);
            using (var login = await AccountsDriver.PostLoginAsync(here, citizen.Number, citizen.Password))
            {
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            }
            using var there = app.CreateClient(address, cookies);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(there));

            // Ended on the first instance (as "sign out everywhere" there would): the second one has never heard of it.
            await using (var scope = app.Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
                var now = TimeProvider.System.GetUtcNow();
                Assert.Equal(1, await db.Sessions.Where(s => s.AccountId == citizen.AccountId && s.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now)));
            }

            var clock = Stopwatch.StartNew();
            var status = HttpStatusCode.OK;
            while (status == HttpStatusCode.OK && clock.Elapsed < interval * 5)
            {
                status = await StatusAsync(there);
                if (status == HttpStatusCode.OK)
                {
                    await Task.Delay(100);
                }
            }
            Assert.True(status == HttpStatusCode.Redirect, $"still signed in on the other instance after {clock.Elapsed}");
            // Once refused, refused for good: the cookie was removed and the session stays revoked in the database.
            Assert.Equal(HttpStatusCode.Redirect, await StatusAsync(app.CreateClient(address, cookies)));
        }
        finally
        {
            await app.StopInstanceAsync(other);
        }
    }

    [Fact]
    public async Task Sign_ins_at_the_same_moment_each_leave_a_session_a_login_row_and_an_audit_record_in_an_intact_chain()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);

        // Committed together through the audit's group commit (ADR 0027): several at once share a batch.
        var browsers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SignInAsync(app, citizen)));
        try
        {
            foreach (var browser in browsers)
            {
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser));
            }
        }
        finally
        {
            foreach (var browser in browsers)
            {
                browser.Dispose();
            }
        }

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            Assert.Equal(6, await db.Sessions.CountAsync(s => s.AccountId == citizen.AccountId && s.RevokedAt == null));
            var logins = await db.LoginEvents.Where(e => e.AccountId == citizen.AccountId && e.Outcome == Dinh.Identity.Accounts.LoginOutcome.Success)
                .Select(e => e.Id).ToListAsync();
            Assert.Equal(6, logins.Distinct().Count(id => id > 0));
        }
        Assert.Equal(6, await app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r =>
            r.Action == "account.signed-in" && r.Subject == $"account:{citizen.AccountId}")));
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    private static async Task<HttpClient> SignInAsync(DinhApp app, TestCitizen citizen)
    {
        var browser = app.CreateClient(cookies: new CookieContainer());
        using var login = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return browser;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient browser)
    {
        using var response = await browser.GetAsync(new Uri("/account", UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostSignOutEverywhereAsync(HttpClient browser)
    {
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account");
        return await browser.PostAsync(new Uri("/account?handler=SignOutEverywhere", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }
}

public sealed class SessionTestsOnSqlite(SqliteApp app) : SessionTests(app), IClassFixture<SqliteApp>;

public sealed class SessionTestsOnPostgres(PostgresApp app) : SessionTests(app), IClassFixture<PostgresApp>;
