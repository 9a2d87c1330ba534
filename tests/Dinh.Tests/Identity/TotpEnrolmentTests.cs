using System.Net;
using System.Text.RegularExpressions;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// Enrolling a TOTP key from /account (ADR 0011, "a code is good once"): the new key's first code confirms the
/// enrolment, and that same code cannot then be used to sign in.
/// </summary>
public abstract partial class TotpEnrolmentTests(DinhApp fixture)
{
    [Fact]
    public async Task Enrolment_accepts_the_first_code_of_the_new_key_and_that_code_cannot_sign_in_again()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var owner = await AccountsDriver.SignInCitizenAsync(app, citizen);
        var key = await StartEnrolmentAsync(owner);
        var at = TimeProvider.System.GetUtcNow();
        var first = Totp.Code(key, at);

        using var confirmed = await PostTotpAsync(owner, first);

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.True((await AccountAsync(app, citizen.AccountId)).TwoFactorEnabled);
        using var replay = app.CreateClient(cookies: new CookieContainer());
        using var replayed = await AccountsDriver.PostLoginAsync(replay, citizen.Number, citizen.Password, first);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal(LoginOutcome.WrongSecondFactor, await LastOutcomeAsync(app, citizen.AccountId));
        // The next step's code (within the accepted drift) signs in: the rule refuses the reused code, not the key.
        using var next = await AccountsDriver.PostLoginAsync(replay, citizen.Number, citizen.Password, Totp.Code(key, at.AddSeconds(30)));
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
    }

    [Fact]
    public async Task A_new_key_is_refused_a_code_of_the_key_it_replaces_and_an_enabled_key_is_not_replaced_by_a_stray_post()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var owner = await AccountsDriver.SignInCitizenAsync(app, citizen);
        var abandoned = await StartEnrolmentAsync(owner);
        var key = await StartEnrolmentAsync(owner);
        Assert.NotEqual(abandoned, key);

        using var stale = await PostTotpAsync(owner, Totp.Code(abandoned));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        using var confirmed = await PostTotpAsync(owner, Totp.Code(key));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        using var stray = await PostTotpAsync(owner, "");
        Assert.Equal(HttpStatusCode.OK, stray.StatusCode);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Account>>();
        Assert.Equal(key, await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(citizen.AccountId.ToString()))!));
    }

    private static async Task<string> StartEnrolmentAsync(HttpClient owner)
    {
        using var started = await PostTotpAsync(owner, "");
        var page = await started.Content.ReadAsStringAsync();
        return KeyPattern().Match(page) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("no key shown");
    }

    private static async Task<HttpResponseMessage> PostTotpAsync(HttpClient owner, string code)
    {
        var token = await DinhApp.GetAntiforgeryTokenAsync(owner, "/account");
        return await owner.PostAsync("/account?handler=Totp", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = code, ["__RequestVerificationToken"] = token,
        }));
    }

    private static async Task<Account> AccountAsync(DinhApp app, Guid id)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstAsync(a => a.Id == id);
    }

    private static async Task<LoginOutcome> LastOutcomeAsync(DinhApp app, Guid accountId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().LoginEvents.Where(e => e.AccountId == accountId)
            .OrderByDescending(e => e.Id).Select(e => e.Outcome).FirstAsync();
    }

    [GeneratedRegex("<code id=\"totp-key\">([A-Z2-7]+)</code>")]
    private static partial Regex KeyPattern();
}

public sealed class TotpEnrolmentTestsOnSqlite(SqliteApp app) : TotpEnrolmentTests(app), IClassFixture<SqliteApp>;

public sealed class TotpEnrolmentTestsOnPostgres(PostgresApp app) : TotpEnrolmentTests(app), IClassFixture<PostgresApp>;
