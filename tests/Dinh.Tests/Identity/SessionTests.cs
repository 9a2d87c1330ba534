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
