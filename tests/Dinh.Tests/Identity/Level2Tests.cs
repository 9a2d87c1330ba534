using System.Net;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Registry.Persistence;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>The police counter: level 2 with a chip card and the biometric device; a lock requested there and approved by the C06.</summary>
public abstract class Level2Tests(DinhApp fixture)
{
    [Fact]
    public async Task Police_raise_a_level_1_account_only_with_the_current_card_and_a_biometric_match()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        await GiveCardAsync(app, citizen.CitizenId, "079090001234");
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);

        using var wrongCard = await RaiseAsync(police, citizen.Number, "079090009999", face: "cap-1");
        using var noMatch = await RaiseAsync(police, citizen.Number, "079090001234", face: "nomatch-1");
        Assert.Equal(HttpStatusCode.BadRequest, wrongCard.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noMatch.StatusCode);
        Assert.Equal(AssuranceLevel.Level1, (await AccountAsync(app, citizen.AccountId)).Level);

        using var raised = await RaiseAsync(police, citizen.Number, "079090001234", face: "cap-2");
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal(AssuranceLevel.Level2, (await AccountAsync(app, citizen.AccountId)).Level);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        Assert.Equal(3, await db.Level2Verifications.CountAsync(v => v.CitizenId == citizen.CitizenId));
        using var notice = await police.GetAsync("/dev/mailbox/latest?recipient=%2B84912345678&kind=notice.level2");
        Assert.Equal(HttpStatusCode.OK, notice.StatusCode);
    }

    [Fact]
    public async Task A_civil_status_officer_cannot_raise_and_a_police_lock_stops_sign_in_until_unlocked()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        await GiveCardAsync(app, citizen.CitizenId, "001090004321");
        using var clerk = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.CivilStatusBaDinh);
        using var refused = await RaiseAsync(clerk, citizen.Number, "001090004321", face: "cap");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using var clerkRequests = await PostAsync(clerk, citizen.Number, "RequestLock", new() { ["ground"] = "HolderRequest", ["reason"] = "Yêu cầu" });
        Assert.Equal(HttpStatusCode.Forbidden, clerkRequests.StatusCode);
        using var c06 = await AccountsDriver.SignInStaffAsync(app, LockRequestTests.C06);
        await RequestAndApproveAsync(app, police, c06, citizen, "HolderRequest", "Yêu cầu của chủ tài khoản");
        using (var browser = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        }

        await RequestAndApproveAsync(app, police, c06, citizen, "ReasonGone", "Đã xác minh");
        using var again = app.CreateClient(cookies: new CookieContainer());
        using var after = await AccountsDriver.PostLoginAsync(again, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task A_login_already_taken_by_another_account_is_refused_with_its_reason_and_recorded()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        await GiveCardAsync(app, citizen.CitizenId, "001090007777");
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            // An account that holds the ID number as its login but is not linked to the citizen.
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var other = await db.Accounts.FirstAsync(a => a.Id == citizen.AccountId);
            other.CitizenId = null;
            await db.SaveChangesAsync();
        }
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);

        using var refused = await PostAsync(police, citizen.Number, "Raise", new()
        {
            ["cardNumber"] = "001090007777", ["chipRead"] = "true", ["faceCapture"] = "cap", ["fingerprintCapture"] = "fp", ["citizenConfirmed"] = "true",
            ["phone"] = "0912000777",
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("tên đăng nhập", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var check = app.Factory.Services.CreateAsyncScope();
        var accounts = check.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var attempt = await accounts.Level2Verifications.AsNoTracking().SingleAsync(v => v.CitizenId == citizen.CitizenId);
        Assert.False(attempt.Approved);
        Assert.False(await accounts.Accounts.AnyAsync(a => a.CitizenId == citizen.CitizenId));
    }

    private static async Task RequestAndApproveAsync(DinhApp app, HttpClient police, HttpClient c06, TestCitizen citizen, string ground, string reason)
    {
        using var filed = await PostAsync(police, citizen.Number, "RequestLock", new() { ["ground"] = ground, ["reason"] = reason });
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        Guid id;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().LockRequests
                .Where(r => r.AccountId == citizen.AccountId && r.Status == Dinh.Identity.Locks.LockRequestStatus.Open).Select(r => r.Id).SingleAsync();
        }
        var token = await DinhApp.GetAntiforgeryTokenAsync(c06, "/officer/eid/locks");
        using var approved = await c06.PostAsync(new Uri($"/officer/eid/locks?id={id}&handler=Approve", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
    }

    private static Task<HttpResponseMessage> RaiseAsync(HttpClient client, string number, string card, string face) =>
        PostAsync(client, number, "Raise", new()
        {
            ["cardNumber"] = card, ["chipRead"] = "true", ["faceCapture"] = face, ["fingerprintCapture"] = "fp-" + face, ["citizenConfirmed"] = "true",
        });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string number, string handler, Dictionary<string, string> form)
    {
        var path = $"/officer/eid?number={number}";
        form["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(client, path);
        return await client.PostAsync($"/officer/eid?number={number}&handler={handler}", new FormUrlEncodedContent(form));
    }

    private static async Task GiveCardAsync(DinhApp app, Guid citizenId, string card)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var citizen = await registry.Citizens.FirstAsync(c => c.Id == citizenId);
        citizen.SetIdCard(card, new DateOnly(2021, 1, 1), new DateOnly(2040, 1, 1));
        await registry.SaveChangesAsync();
    }

    private static async Task<Account> AccountAsync(DinhApp app, Guid id)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstAsync(a => a.Id == id);
    }
}

public sealed class Level2TestsOnSqlite(SqliteApp app) : Level2Tests(app), IClassFixture<SqliteApp>;

public sealed class Level2TestsOnPostgres(PostgresApp app) : Level2Tests(app), IClassFixture<PostgresApp>;
