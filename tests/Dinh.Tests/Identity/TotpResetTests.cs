using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Identity.Seeding;
using Dinh.Platform.Auditing;
using Dinh.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// An officer who lost their authenticator: an administrator resets the second factor with a reason; the old key and
/// sessions stop working; the officer signs in with the password to enrol a new key and reaches no officer page before.
/// </summary>
public abstract partial class TotpResetTests(DinhApp fixture)
{
    private const string Password = "mat-khau-can-bo-thu-2026";

    [Fact]
    public async Task After_a_reset_the_officer_must_enrol_a_new_key_before_reaching_any_officer_page()
    {
        var app = fixture.Require();
        var (officerId, login, oldKey) = await AccountsDriver.CreateOfficerAsync(app, "totp", Password);
        using var before = app.CreateClient(cookies: new CookieContainer());
        using (var signIn = await AccountsDriver.PostLoginAsync(before, login, Password, await StaffCodes.NextAsync(app.ConnectionString, login, oldKey)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        using (var page = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        using var noReason = await ResetAsync(admin, officerId, "");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using var reset = await ResetAsync(admin, officerId, "Cán bộ báo mất điện thoại có ứng dụng xác thực");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        using (var ended = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, ended.StatusCode);
        }
        using var restricted = app.CreateClient(cookies: new CookieContainer());
        using (var signIn = await AccountsDriver.PostLoginAsync(restricted, login, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.StartsWith("/account", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }
        using (var officerPage = await restricted.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, officerPage.StatusCode);
        }
        using (var queue = await restricted.GetAsync(new Uri("/officer/eid/locks", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, queue.StatusCode);
        }
        Assert.Contains("totp-enrol-required", await restricted.GetStringAsync("/account"), StringComparison.Ordinal);

        // After the enrolment window the password alone opens nothing.
        await SetResetAtAsync(app, officerId, TimeProvider.System.GetUtcNow().AddDays(-4));
        using (var late = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(late, login, Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        }
        await SetResetAtAsync(app, officerId, TimeProvider.System.GetUtcNow());

        var started = await PostAsync(restricted, "/account?handler=Totp", new());
        var newKey = KeyField().Match(await started.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEqual("", newKey);
        Assert.NotEqual(oldKey, newKey);
        using var enrolled = await PostAsync(restricted, "/account?handler=Totp", new() { ["code"] = await StaffCodes.NextAsync(app.ConnectionString, login, newKey) });
        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        started.Dispose();

        using var after = app.CreateClient(cookies: new CookieContainer());
        using (var oldCode = await AccountsDriver.PostLoginAsync(after, login, Password, Totp.Code(oldKey)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, oldCode.StatusCode);
        }
        using (var signIn = await AccountsDriver.PostLoginAsync(after, login, Password, await StaffCodes.NextAsync(app.ConnectionString, login, newKey)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        using (var page = await after.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var subject = $"account:{officerId}";
        var audit = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(a => a.Subject == subject).ToListAsync();
        Assert.Contains(audit, a => a.Action == "account.totp.reset" && a.Purpose == "Cán bộ báo mất điện thoại có ứng dụng xác thực"
            && a.Actor == $"account:{DemoAccounts.AdministratorId}");
        Assert.Contains(audit, a => a.Action == "account.totp.enabled");
    }

    [Fact]
    public async Task dinh_accounts_reset_totp_resets_a_staff_account_and_refuses_a_citizen()
    {
        var app = fixture.Require();
        var (officerId, login, _) = await AccountsDriver.CreateOfficerAsync(app, "totp", Password);
        var citizen = await CitizenAccounts.CreateAsync(app);

        var reset = await app.RunDinhAsync("accounts", "reset-totp", "--login", login, "--reason", "Mất điện thoại, quản trị viên duy nhất");
        var notStaff = await app.RunDinhAsync("accounts", "reset-totp", "--login", citizen.Number, "--reason", "x");
        var noReason = await app.RunDinhAsync("accounts", "reset-totp", "--login", login, "--reason", " ");

        Assert.True(reset.ExitCode == 0, reset.Error);
        Assert.Equal(1, notStaff.ExitCode);
        Assert.Equal(2, noReason.ExitCode);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        Assert.False((await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == officerId)).TwoFactorEnabled);
        var subject = $"account:{officerId}";
        Assert.Equal(1, await db.Set<AuditRecord>().CountAsync(a => a.Subject == subject && a.Action == "account.totp.reset" && a.Actor == "system:cli"));
        using var restricted = app.CreateClient(cookies: new CookieContainer());
        using var signIn = await AccountsDriver.PostLoginAsync(restricted, login, Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    private static async Task SetResetAtAsync(DinhApp app, Guid id, DateTimeOffset at)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = await users.FindByIdAsync(id.ToString());
        await users.SetAuthenticationTokenAsync(account!, "Dinh", "totp-reset-at", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
    }

    private static Task<HttpResponseMessage> ResetAsync(HttpClient admin, Guid id, string reason) =>
        PostAsync(admin, $"/admin/staff?handler=Reset&id={id}", new() { ["reason"] = reason });

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(client, "/account");
        return await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("id=\"totp-key\">([A-Z2-7]+)<")]
    private static partial Regex KeyField();
}

public sealed class TotpResetTestsOnSqlite(SqliteApp app) : TotpResetTests(app), IClassFixture<SqliteApp>;

public sealed class TotpResetTestsOnPostgres(PostgresApp app) : TotpResetTests(app), IClassFixture<PostgresApp>;
