using System.Net;
using System.Text.RegularExpressions;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Identity.Seeding;
using Dinh.Platform.Auditing;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// A staff account's working life (ADR 0029): an officer moved to another role and commune, a person who left and
/// came back. Every change takes a reason, is audited, and signs the person out at once; the next sign-in carries the
/// new rights, or none.
/// </summary>
public abstract class StaffAccountTests(DinhApp fixture)
{
    private const string Password = "mat-khau-can-bo-doi-2026";

    [Fact]
    public async Task An_officer_moved_to_another_role_and_commune_is_signed_out_and_signs_in_with_the_new_rights()
    {
        var app = fixture.Require();
        var (officerId, login, key) = await AccountsDriver.CreateOfficerAsync(app, "move", Password);
        var commune = await OtherCommuneAsync(app, "00070");
        using var before = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using (var page = await before.GetAsync(new Uri("/officer/eid/queue", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        const string Reason = "Điều động sang bộ phận hộ tịch theo quyết định số 12/QĐ";
        foreach (var (role, level, unit, reason) in new[]
        {
            ("CivilStatus", "Commune", "99999", Reason), // no such commune
            ("CivilStatus", "Province", commune, Reason), // a commune's code as a province
            ("CivilStatus", "National", commune, Reason), // national takes no code
            ("Chief", "Commune", commune, Reason),
            ("7", "Commune", commune, Reason),
            ("CivilStatus", "Commune", commune, " "),
            ("ResidencePolice", "Commune", "00070", Reason), // unchanged
        })
        {
            using var refused = await PostAsync(admin, $"/admin/staff?handler=Assign&id={officerId}",
                new() { ["role"] = role, ["level"] = level, ["unit"] = unit, ["reason"] = reason });
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{role} {level} {unit} '{reason}': {(int)refused.StatusCode}");
            Assert.Contains("id=\"staff-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var page = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var moved = await PostAsync(admin, $"/admin/staff?handler=Assign&id={officerId}",
            new() { ["role"] = "CivilStatus", ["level"] = "Commune", ["unit"] = $" {commune} ", ["reason"] = Reason }))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            var html = await moved.Content.ReadAsStringAsync();
            Assert.Contains("id=\"staff-message\"", html, StringComparison.Ordinal);
            Assert.Contains($"<code>{commune}</code>", html, StringComparison.Ordinal);
        }
        using (var ended = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.StartsWith("/account/login", RedirectPath(ended), StringComparison.Ordinal);
        }

        using var after = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using (var police = await after.GetAsync(new Uri("/officer/eid/queue", UriKind.Relative)))
        {
            Assert.StartsWith("/account/denied", RedirectPath(police), StringComparison.Ordinal);
        }
        var search = await after.GetStringAsync(new Uri("/officer/citizens", UriKind.Relative));
        Assert.Contains(commune, search, StringComparison.Ordinal);
        var account = await after.GetStringAsync(new Uri("/account", UriKind.Relative));
        Assert.Matches($"id=\"account-assignment\">Hộ tịch · Cấp xã <code>{commune}</code> · [^<]+</dd>", account);

        var audit = await AuditAsync(app, officerId);
        var record = Assert.Single(audit, a => a.Action == "account.staff.assigned");
        Assert.Equal(Reason, record.Purpose);
        Assert.Equal($"account:{DemoAccounts.AdministratorId}", record.Actor);
        Assert.Equal($"ResidencePolice Commune 00070 -> CivilStatus Commune {commune}", record.Details);
    }

    [Fact]
    public async Task A_deactivated_officer_is_signed_out_at_once_cannot_sign_in_and_signs_in_again_once_reactivated()
    {
        var app = fixture.Require();
        var (officerId, login, key) = await AccountsDriver.CreateOfficerAsync(app, "left", Password);
        using var before = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);

        using (var noReason = await PostAsync(admin, $"/admin/staff?handler=Deactivate&id={officerId}", new() { ["reason"] = "" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }
        using (var reactivateActive = await PostAsync(admin, $"/admin/staff?handler=Reactivate&id={officerId}", new() { ["reason"] = "thử" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reactivateActive.StatusCode);
        }
        using (var page = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        using (var deactivated = await PostAsync(admin, $"/admin/staff?handler=Deactivate&id={officerId}", new() { ["reason"] = "Nghỉ hưu từ 01/12/2026" }))
        {
            Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
            Assert.Contains("Nghỉ hưu từ 01/12/2026", await deactivated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var again = await PostAsync(admin, $"/admin/staff?handler=Deactivate&id={officerId}", new() { ["reason"] = "lần nữa" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }
        using (var ended = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.StartsWith("/account/login", RedirectPath(ended), StringComparison.Ordinal);
        }
        using (var refused = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(refused, login, Password, await StaffCodes.NextAsync(app.ConnectionString, login, key)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
            Assert.Contains("id=\"login-error\"", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Null(signIn.Headers.Location);
        }

        using (var reactivated = await PostAsync(admin, $"/admin/staff?handler=Reactivate&id={officerId}", new() { ["reason"] = "Tiếp tục công tác theo hợp đồng" }))
        {
            Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        }
        using var after = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using (var page = await after.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var audit = await AuditAsync(app, officerId);
        Assert.Contains(audit, a => a.Action == "account.locked" && a.Purpose == "Nghỉ hưu từ 01/12/2026" && a.Details == "Deactivated"
            && a.Actor == $"account:{DemoAccounts.AdministratorId}");
        Assert.Contains(audit, a => a.Action == "account.unlocked" && a.Purpose == "Tiếp tục công tác theo hợp đồng" && a.Details == "Deactivated");
    }

    [Fact]
    public async Task A_staff_member_who_locked_their_own_account_is_reactivated_by_an_administrator()
    {
        var app = fixture.Require();
        var (officerId, login, key) = await AccountsDriver.CreateOfficerAsync(app, "self", Password);
        using var browser = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using (var locked = await PostAsync(browser, "/account?handler=LockSelf", new() { ["password"] = Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, locked.StatusCode);
        }
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        Assert.Contains($"id=\"state-{login}\"", await admin.GetStringAsync(new Uri("/admin/staff", UriKind.Relative)), StringComparison.Ordinal);
        using (var reactivated = await PostAsync(admin, $"/admin/staff?handler=Reactivate&id={officerId}", new() { ["reason"] = "Đã tìm lại điện thoại" }))
        {
            Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        }
        using var after = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using var page = await after.GetAsync(new Uri("/officer/eid", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Two_administrators_deactivating_each_other_at_the_same_moment_leave_one_of_them_active()
    {
        var app = fixture.Require();
        for (var round = 0; round < 6; round++)
        {
            var login = "quantri.dua." + Guid.NewGuid().ToString("N")[..8];
            var created = await app.RunDinhAsync("accounts", "add-staff", "--login", login, "--name", "Quản trị thứ hai", "--kind", "administrator");
            Assert.True(created.ExitCode == 0, created.Error);
            Guid other;
            await using (var scope = app.Factory.Services.CreateAsyncScope())
            {
                other = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts
                    .Where(a => a.UserName == login).Select(a => a.Id).SingleAsync();
            }

            // Each deactivates the other, in its own request scope, at once.
            var outcomes = await Task.WhenAll(
                DeactivateAsync(app, other, by: DemoAccounts.AdministratorId),
                DeactivateAsync(app, DemoAccounts.AdministratorId, by: other));

            await using (var scope = app.Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
                var active = await db.Accounts.CountAsync(a => a.Kind == AccountKind.Administrator && a.Lock == AccountLock.None);
                Assert.True(active >= 1, $"round {round}: {outcomes[0]} and {outcomes[1]} left no active administrator");
                Assert.Contains(StaffChangeRefusal.LastAdministrator, outcomes);
                // Back to the demo administrator alone for the next round.
                var staff = scope.ServiceProvider.GetRequiredService<StaffAccounts>();
                if (outcomes[1] == StaffChangeRefusal.None)
                {
                    Assert.Equal(StaffChangeRefusal.None, await staff.ReactivateAsync(DemoAccounts.AdministratorId, null, "Khôi phục sau thử", null));
                }
                if (outcomes[0] != StaffChangeRefusal.None)
                {
                    Assert.Equal(StaffChangeRefusal.None, await staff.DeactivateAsync(other, null, "Kết thúc thử", null));
                }
            }
        }
    }

    private static async Task<StaffChangeRefusal> DeactivateAsync(DinhApp app, Guid account, Guid by)
    {
        await Task.Yield();
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StaffAccounts>().DeactivateAsync(account, by, "Thử hai quản trị cùng lúc", null);
    }

    [Fact]
    public async Task dinh_accounts_keeps_one_administrator_active_and_refuses_an_administrator_deactivating_themselves()
    {
        var app = fixture.Require();
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        using (var self = await PostAsync(admin, $"/admin/staff?handler=Deactivate&id={DemoAccounts.AdministratorId}", new() { ["reason"] = "thử" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        }

        var second = "quantri." + Guid.NewGuid().ToString("N")[..8];
        var created = await app.RunDinhAsync("accounts", "add-staff", "--login", second, "--name", "Quản trị thứ hai", "--kind", "administrator");
        Assert.True(created.ExitCode == 0, created.Error);
        var badUnit = await app.RunDinhAsync("accounts", "add-staff", "--login", second + "x", "--name", "Cán bộ", "--role", "CivilStatus",
            "--jurisdiction", "Commune", "--unit", "12345678");
        Assert.Equal(2, badUnit.ExitCode);

        var deactivated = await app.RunDinhAsync("accounts", "deactivate", "--login", second, "--reason", "Hết nhiệm kỳ quản trị");
        Assert.True(deactivated.ExitCode == 0, deactivated.Error);
        var last = await app.RunDinhAsync("accounts", "deactivate", "--login", DemoAccounts.AdministratorLogin, "--reason", "thử");
        Assert.Equal(2, last.ExitCode);
        Assert.Contains("LastAdministrator", last.Error, StringComparison.Ordinal);
        var unknown = await app.RunDinhAsync("accounts", "deactivate", "--login", "khong.co.ai", "--reason", "thử");
        Assert.Equal(1, unknown.ExitCode);
        var list = await app.RunDinhAsync("accounts", "list-staff");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Output.Split('\n'), line => line.StartsWith(second, StringComparison.Ordinal) && line.Contains("deactivated", StringComparison.Ordinal));
        Assert.Contains(list.Output.Split('\n'), line => line.StartsWith("hotich.badinh", StringComparison.Ordinal) && line.Contains("CivilStatus Commune", StringComparison.Ordinal));

        var reactivated = await app.RunDinhAsync("accounts", "reactivate", "--login", second, "--reason", "Gia hạn nhiệm kỳ");
        Assert.True(reactivated.ExitCode == 0, reactivated.Error);
        var assignAdmin = await app.RunDinhAsync("accounts", "assign", "--login", second, "--role", "CivilStatus", "--jurisdiction", "National", "--reason", "thử");
        Assert.Equal(2, assignAdmin.ExitCode);
        Assert.Contains("NotOfficer", assignAdmin.Error, StringComparison.Ordinal);
        var retired = await app.RunDinhAsync("accounts", "deactivate", "--login", second, "--reason", "Hết nhiệm kỳ");
        Assert.True(retired.ExitCode == 0, retired.Error);
    }

    [Fact]
    public async Task An_administrator_creates_an_officer_who_sets_their_own_password_and_key_before_getting_staff_rights()
    {
        var app = fixture.Require();
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        var login = "hotich.moi" + Guid.NewGuid().ToString("N")[..6];
        var form = new Dictionary<string, string>
        {
            ["login"] = login, ["name"] = "Nguyễn Thị Mới", ["kind"] = "Officer", ["role"] = "CivilStatus", ["level"] = "Commune", ["unit"] = "00070",
        };
        foreach (var (field, value) in new[] { ("login", "079090201001"), ("login", "a b"), ("login", DemoAccounts.AdministratorLogin), ("name", " "),
            ("unit", "99999"), ("level", "National"), ("role", "3") })
        {
            using var refused = await PostAsync(admin, "/admin/staff?handler=Create", new(form) { [field] = value });
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{field}={value}: {(int)refused.StatusCode}");
            Assert.DoesNotContain("new-staff-password", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var created = await PostAsync(admin, "/admin/staff?handler=Create", new(form));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore, "the page with the password must not be stored");
        var html = await created.Content.ReadAsStringAsync();
        var password = WebUtility.HtmlDecode(Regex.Match(html, "id=\"new-staff-password\">([^<]+)<").Groups[1].Value);
        Assert.NotEqual("", password);
        Assert.DoesNotContain("otpauth://", html, StringComparison.Ordinal);

        // The one-time password opens a session without staff rights, where the officer sets their own password and
        // then enrols their own key; the key only after the password.
        using var browser = app.CreateClient(cookies: new CookieContainer());
        using (var signIn = await AccountsDriver.PostLoginAsync(browser, login, password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        using (var officerPage = await browser.GetAsync(new Uri("/officer/citizens", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, officerPage.StatusCode);
        }
        Assert.Contains("id=\"password-change-required\"", await browser.GetStringAsync(new Uri("/account", UriKind.Relative)), StringComparison.Ordinal);
        using (var keyFirst = await PostAsync(browser, "/account?handler=Totp", []))
        {
            Assert.Equal(HttpStatusCode.BadRequest, keyFirst.StatusCode);
        }
        const string Own = "mat-khau-rieng-cua-toi-2026";
        using (var changed = await PostAsync(browser, "/account?handler=Password", new() { ["current"] = password, ["password"] = Own, ["confirm"] = Own }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        string key;
        using (var started = await PostAsync(browser, "/account?handler=Totp", []))
        {
            key = Regex.Match(await started.Content.ReadAsStringAsync(), "id=\"totp-key\">([A-Z2-7]+)<").Groups[1].Value;
        }
        Assert.NotEqual("", key);
        using (var enrolled = await PostAsync(browser, "/account?handler=Totp", new() { ["code"] = await StaffCodes.NextAsync(app.ConnectionString, login, key) }))
        {
            Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        }
        using (var oneTime = await AccountsDriver.PostLoginAsync(app.CreateClient(cookies: new CookieContainer()), login, password,
            await StaffCodes.NextAsync(app.ConnectionString, login, key)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, oneTime.StatusCode);
        }
        using var officer = app.CreateClient(cookies: new CookieContainer());
        using (var signIn = await AccountsDriver.PostLoginAsync(officer, login, Own, await StaffCodes.NextAsync(app.ConnectionString, login, key)))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        Assert.Contains("00070", await officer.GetStringAsync(new Uri("/officer/citizens", UriKind.Relative)), StringComparison.Ordinal);
        using (var again = await PostAsync(admin, "/admin/staff?handler=Create", new(form)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(a => a.Action == "account.staff.created" && a.Actor == $"account:{DemoAccounts.AdministratorId}").ToListAsync();
        Assert.Contains(audit, a => a.Details == "Officer CivilStatus Commune 00070; enrols own key");
    }

    [Fact]
    public async Task A_staff_member_who_forgot_the_password_gets_a_one_time_password_and_enrols_again()
    {
        var app = fixture.Require();
        var (officerId, login, key) = await AccountsDriver.CreateOfficerAsync(app, "quen", Password);
        using var before = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        using (var noReason = await PostAsync(admin, $"/admin/staff?handler=Reissue&id={officerId}", new() { ["reason"] = " " }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }
        using (var self = await PostAsync(admin, $"/admin/staff?handler=Reissue&id={DemoAccounts.AdministratorId}", new() { ["reason"] = "thử" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        }

        // Trying to remember it, the officer locked the account out (5 failures): the new password must still work at once.
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await AccountsDriver.PostLoginAsync(app.CreateClient(cookies: new CookieContainer()), login, "nho-nham-mat-khau-" + i);
        }
        string oneTime;
        using (var reissued = await PostAsync(admin, $"/admin/staff?handler=Reissue&id={officerId}", new() { ["reason"] = "Cán bộ quên mật khẩu, đã xác minh trực tiếp" }))
        {
            Assert.Equal(HttpStatusCode.OK, reissued.StatusCode);
            Assert.True(reissued.Headers.CacheControl?.NoStore);
            oneTime = WebUtility.HtmlDecode(Regex.Match(await reissued.Content.ReadAsStringAsync(), "id=\"new-staff-password\">([^<]+)<").Groups[1].Value);
        }
        Assert.NotEqual("", oneTime);
        using (var ended = await before.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.StartsWith("/account/login", RedirectPath(ended), StringComparison.Ordinal);
        }
        using (var old = await AccountsDriver.PostLoginAsync(app.CreateClient(cookies: new CookieContainer()), login, Password,
            await StaffCodes.NextAsync(app.ConnectionString, login, key)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        }
        using var restricted = app.CreateClient(cookies: new CookieContainer());
        using (var signIn = await AccountsDriver.PostLoginAsync(restricted, login, oneTime))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        Assert.Contains("id=\"password-change-required\"", await restricted.GetStringAsync(new Uri("/account", UriKind.Relative)), StringComparison.Ordinal);
        using (var officerPage = await restricted.GetAsync(new Uri("/officer/eid", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, officerPage.StatusCode);
        }

        var cli = await app.RunDinhAsync("accounts", "reissue-password", "--login", login, "--reason", "Quên lần nữa");
        Assert.True(cli.ExitCode == 0, cli.Error);
        Assert.Matches("One-time password \\(shown once, valid 3 days\\): \\S{20}", cli.Output);
        var audit = await AuditAsync(app, officerId);
        Assert.Equal(2, audit.Count(a => a.Action == "account.staff.password-reissued"));
    }

    [Fact]
    public async Task A_staff_members_name_is_corrected_on_the_page_and_by_the_command_line_and_their_session_stays()
    {
        var app = fixture.Require();
        var (officerId, login, key) = await AccountsDriver.CreateOfficerAsync(app, "ten", Password);
        using var officer = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        const string Reason = "Sửa lỗi đánh máy theo thẻ căn cước";
        foreach (var (name, reason) in new[]
        {
            ("", Reason),
            ("Nguyễn\u0007Văn A", Reason), // a control character
            ("Nguyễn\u200BVăn A", Reason), // a zero-width space
            (new string('A', 201), Reason),
            ("Nguyễn Văn A", " "),
        })
        {
            using var refused = await PostAsync(admin, $"/admin/staff?handler=Rename&id={officerId}", new() { ["name"] = name, ["reason"] = reason });
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"'{name}' '{reason}': {(int)refused.StatusCode}");
            Assert.Contains("id=\"staff-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Typed in decomposed form (NFD), as some keyboards send it: stored composed (NFC).
        var typed = "Nguyễn Thị Hồng Nhung".Normalize(System.Text.NormalizationForm.FormD);
        using (var renamed = await PostAsync(admin, $"/admin/staff?handler=Rename&id={officerId}", new() { ["name"] = $" {typed} ", ["reason"] = Reason }))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            var html = await renamed.Content.ReadAsStringAsync();
            Assert.Contains("id=\"staff-message\"", html, StringComparison.Ordinal);
            Assert.Contains($"{login} · Nguyễn Thị Hồng Nhung</h2>", html, StringComparison.Ordinal);
        }
        using (var again = await PostAsync(admin, $"/admin/staff?handler=Rename&id={officerId}", new() { ["name"] = "Nguyễn Thị Hồng Nhung", ["reason"] = Reason }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }
        using (var still = await officer.GetAsync(new Uri("/officer/eid/queue", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }
        Assert.Equal("Nguyễn Thị Hồng Nhung", await OfficerNameAsync(app, officerId));
        var found = await admin.GetStringAsync(new Uri("/admin/staff?q=" + Uri.EscapeDataString("Hồng Nhung".Normalize(System.Text.NormalizationForm.FormD)), UriKind.Relative));
        Assert.Contains($"id=\"staff-{login}\"", found, StringComparison.Ordinal);

        var cli = await app.RunDinhAsync("accounts", "rename", "--login", login, "--name", "Nguyễn Thị Hồng Nhung (Tổ 3)", "--reason", "Thêm tổ công tác");
        Assert.True(cli.ExitCode == 0, cli.Error);
        var same = await app.RunDinhAsync("accounts", "rename", "--login", login, "--name", "Nguyễn Thị Hồng Nhung (Tổ 3)", "--reason", "thử");
        Assert.Equal(2, same.ExitCode);
        Assert.Contains("already the account's name", same.Error, StringComparison.Ordinal);
        Assert.Equal("Nguyễn Thị Hồng Nhung (Tổ 3)", await OfficerNameAsync(app, officerId));

        // A directory entry that missed the copy (the process stopped between the two writes) is repaired by renaming
        // again to the same name, without a second audit record.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Officers.Where(o => o.Id == officerId)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.DisplayName, "Nguyễn Thị Hồng Nhung"));
        }
        var repaired = await app.RunDinhAsync("accounts", "rename", "--login", login, "--name", "Nguyễn Thị Hồng Nhung (Tổ 3)", "--reason", "Sửa danh bạ");
        Assert.True(repaired.ExitCode == 0, repaired.Error);
        Assert.Equal("Nguyễn Thị Hồng Nhung (Tổ 3)", await OfficerNameAsync(app, officerId));

        var records = (await AuditAsync(app, officerId)).Where(a => a.Action == "account.staff.renamed").OrderBy(a => a.OccurredAt).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal(Reason, records[0].Purpose);
        Assert.Equal($"account:{DemoAccounts.AdministratorId}", records[0].Actor);
        Assert.EndsWith(" -> Nguyễn Thị Hồng Nhung", records[0].Details, StringComparison.Ordinal);
        Assert.Equal("system:cli", records[1].Actor);
        Assert.Equal("Nguyễn Thị Hồng Nhung -> Nguyễn Thị Hồng Nhung (Tổ 3)", records[1].Details);
    }

    [Fact]
    public async Task The_staff_list_is_searched_by_login_or_name_and_filtered_by_state()
    {
        var app = fixture.Require();
        var prefix = "tim" + Guid.NewGuid().ToString("N")[..5];
        var officers = new List<(Guid Id, string Login, string Key)>();
        for (var i = 0; i < 3; i++)
        {
            officers.Add(await AccountsDriver.CreateOfficerAsync(app, prefix, Password));
        }
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        using (var deactivated = await PostAsync(admin, $"/admin/staff?handler=Deactivate&id={officers[0].Id}", new() { ["reason"] = "Chuyển công tác" }))
        {
            Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
            var html = await deactivated.Content.ReadAsStringAsync();
            Assert.Contains($"id=\"staff-{officers[0].Login}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"id=\"staff-{officers[1].Login}\"", html, StringComparison.Ordinal);
        }

        var all = await admin.GetStringAsync(new Uri($"/admin/staff?q={prefix.ToUpperInvariant()}", UriKind.Relative));
        Assert.All(officers, o => Assert.Contains($"id=\"staff-{o.Login}\"", all, StringComparison.Ordinal));
        Assert.DoesNotContain("id=\"staff-quantri\"", all, StringComparison.Ordinal);
        var byName = await admin.GetStringAsync(new Uri($"/admin/staff?q={Uri.EscapeDataString("Cán bộ thử " + prefix)}", UriKind.Relative));
        Assert.Equal(3, Regex.Count(byName, $"id=\"staff-{prefix}\\."));
        var active = await admin.GetStringAsync(new Uri($"/admin/staff?q={prefix}&state=active", UriKind.Relative));
        Assert.DoesNotContain($"id=\"staff-{officers[0].Login}\"", active, StringComparison.Ordinal);
        Assert.Contains($"id=\"staff-{officers[1].Login}\"", active, StringComparison.Ordinal);
        var gone = await admin.GetStringAsync(new Uri($"/admin/staff?q={prefix}&state=deactivated&page=99", UriKind.Relative));
        Assert.Equal(1, Regex.Count(gone, $"id=\"staff-{prefix}\\."));
    }

    [Fact]
    public async Task The_staff_list_pages_by_fifty()
    {
        var app = fixture.Require();
        var prefix = "trang" + Guid.NewGuid().ToString("N")[..5];
        for (var i = 0; i < 51; i++)
        {
            await AccountsDriver.CreateOfficerAsync(app, prefix, Password);
        }
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);

        var first = await admin.GetStringAsync(new Uri($"/admin/staff?q={prefix}", UriKind.Relative));
        var second = await admin.GetStringAsync(new Uri($"/admin/staff?q={prefix}&page=2", UriKind.Relative));

        Assert.Equal(50, Regex.Count(first, $"id=\"staff-{prefix}\\."));
        Assert.Contains($"href=\"/admin/staff?q={prefix}&amp;page=2\" rel=\"next\"", first, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(second, $"id=\"staff-{prefix}\\."));
        Assert.Contains("rel=\"prev\"", second, StringComparison.Ordinal);
    }

    private static string? RedirectPath(HttpResponseMessage response) =>
        response.Headers.Location is { IsAbsoluteUri: true } absolute ? absolute.AbsolutePath : response.Headers.Location?.OriginalString;

    private static async Task<string> OtherCommuneAsync(DinhApp app, string than)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var today = Dinh.Platform.VietnamTime.Today(TimeProvider.System);
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Units.AsNoTracking()
            .Where(u => u.Level == UnitLevel.Commune && u.Code != than && u.ValidFrom <= today && u.ValidTo == null)
            .OrderBy(u => u.Code).Select(u => u.Code).FirstAsync();
    }

    private static async Task<string> OfficerNameAsync(DinhApp app, Guid officerId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Officers.AsNoTracking()
            .Where(o => o.Id == officerId).Select(o => o.DisplayName).SingleAsync();
    }

    private static async Task<List<AuditRecord>> AuditAsync(DinhApp app, Guid accountId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var subject = $"account:{accountId}";
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(a => a.Subject == subject).ToListAsync();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(client, "/account");
        return await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(form));
    }
}

public sealed class StaffAccountTestsOnSqlite(SqliteApp app) : StaffAccountTests(app), IClassFixture<SqliteApp>;

public sealed class StaffAccountTestsOnPostgres(PostgresApp app) : StaffAccountTests(app), IClassFixture<PostgresApp>;
