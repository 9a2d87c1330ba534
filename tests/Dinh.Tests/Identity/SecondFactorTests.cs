using System.Net;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>The TOTP second factor of staff accounts: a code is good once (RFC 6238 §5.2).</summary>
public abstract class SecondFactorTests(DinhApp fixture)
{
    [Fact]
    public async Task A_TOTP_code_accepted_once_is_refused_when_replayed_within_its_window()
    {
        var app = fixture.Require();
        var login = RegistryDriver.PoliceHoanKiem;
        var code = await StaffCodes.NextAsync(app.ConnectionString, login);

        using var first = app.CreateClient(cookies: new CookieContainer());
        using var accepted = await AccountsDriver.PostLoginAsync(first, login, DemoAccounts.OfficerPassword, code);
        using var second = app.CreateClient(cookies: new CookieContainer());
        using var replayed = await AccountsDriver.PostLoginAsync(second, login, DemoAccounts.OfficerPassword, code);

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        using var refusedPage = await second.GetAsync(new Uri("/account", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, refusedPage.StatusCode);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var account = await db.Set<Account>().SingleAsync(a => a.UserName == login);
            var outcomes = await db.LoginEvents.Where(e => e.AccountId == account.Id).OrderByDescending(e => e.Id).Take(2).Select(e => e.Outcome).ToListAsync();
            Assert.Equal(new[] { LoginOutcome.WrongSecondFactor, LoginOutcome.Success }, outcomes);
        }

        // A later step's code still works: the rule refuses reuse, not the account.
        using var later = await AccountsDriver.PostLoginAsync(second, login, DemoAccounts.OfficerPassword, await StaffCodes.NextAsync(app.ConnectionString, login));
        Assert.Equal(HttpStatusCode.Redirect, later.StatusCode);
    }
}

public sealed class SecondFactorTestsOnSqlite(SqliteApp app) : SecondFactorTests(app), IClassFixture<SqliteApp>;

public sealed class SecondFactorTestsOnPostgres(PostgresApp app) : SecondFactorTests(app), IClassFixture<PostgresApp>;
