using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>
/// An administrator on a phone creates an officer's account; the officer sets their own password and key; the administrator
/// moves the officer to another commune, then deactivates the
/// account as for someone who left;
/// the officer's own browser is signed out at its next click and cannot sign in again (ADR 0029).
/// </summary>
public sealed class StaffBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task An_administrator_on_a_phone_creates_moves_and_renames_an_officer_then_deactivates_the_account_and_the_officer_is_signed_out()
    {
        var app = browser.App;
        await using var tab = await browser.OpenAsync(width: 390, height: 844);
        var page = tab.Page;
        await SignInAsync(page, DemoAccounts.AdministratorLogin, DemoAccounts.OfficerPassword,
            await StaffCodes.NextAsync(app.ConnectionString, DemoAccounts.AdministratorLogin));
        await page.GotoAsync("/admin/staff");

        // A new police officer of Hoàn Kiếm: the administrator is shown a one-time password, never the officer's key.
        var login = "congan.moi" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByText("Thêm tài khoản cán bộ").ClickAsync();
        await page.GetByLabel("Tên đăng nhập", new() { Exact = true }).FillAsync(login);
        await page.GetByLabel("Tên hiển thị với đồng nghiệp").FillAsync("Trần Văn Mới");
        await page.Locator("#new-role").SelectOptionAsync(new SelectOptionValue { Label = "Công an cư trú" });
        await page.Locator("#new-unit").FillAsync("00070");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tạo tài khoản" }).ClickAsync();
        await Expect(page.Locator("#new-staff")).ToContainTextAsync(login);
        Assert.Equal(0, await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth"));
        var oneTime = await page.Locator("#new-staff-password").InnerTextAsync();

        // The officer signs in with it, sets their own password, enrols their own key, and signs in with both.
        const string Own = "mat-khau-rieng-cong-an-2026";
        await using var officerTab = await browser.OpenAsync(width: 390, height: 844);
        var officer = officerTab.Page;
        await SignInAsync(officer, login, oneTime, "");
        await Expect(officer.Locator("#password-change-required")).ToBeVisibleAsync();
        await officer.GetByLabel("Mật khẩu hiện tại").FillAsync(oneTime);
        await officer.GetByLabel("Mật khẩu mới (ít nhất 10 ký tự)").FillAsync(Own);
        await officer.GetByLabel("Nhập lại mật khẩu mới").FillAsync(Own);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Đổi mật khẩu" }).ClickAsync();
        await Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã đổi mật khẩu");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Bật xác thực hai bước" }).ClickAsync();
        var key = await officer.Locator("#totp-key").InnerTextAsync();
        await officer.GetByLabel("Mã 6 chữ số").FillAsync(await StaffCodes.NextAsync(app.ConnectionString, login, key));
        await officer.GetByRole(AriaRole.Button, new() { Name = "Xác nhận", Exact = true }).ClickAsync();
        await Expect(officer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đăng nhập");
        await SignInAsync(officer, login, Own, await StaffCodes.NextAsync(app.ConnectionString, login, key));
        await officer.GotoAsync("/officer/eid/queue");
        await Expect(officer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Yêu cầu nâng mức 2 chờ xử lý");

        await page.GotoAsync("/admin/staff");
        var row = page.Locator($"[id='staff-{login}']");
        await Expect(row.Locator($"[id='state-{login}']")).ToContainTextAsync("đang hoạt động");
        Assert.Equal(0, await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth"));

        await row.GetByText("Thay đổi vai trò hoặc địa bàn").ClickAsync();
        await row.GetByLabel("Vai trò").SelectOptionAsync(new SelectOptionValue { Label = "Hộ tịch" });
        await row.GetByLabel("Mã đơn vị").FillAsync("00004");
        await row.Locator("[id^='assign-reason-']").FillAsync("Điều động về phường Ba Đình");
        await row.GetByRole(AriaRole.Button, new() { Name = "Lưu và đăng xuất cán bộ" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã lưu vai trò và địa bàn mới");
        await Expect(page.Locator($"[id='assignment-{login}']")).ToContainTextAsync("Hộ tịch · Cấp xã 00004 · Phường Ba Đình");

        await officer.ReloadAsync();
        await Expect(officer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đăng nhập");

        // A typing error in the name is corrected: the login stays, and so does every right.
        await row.GetByText("Sửa tên hiển thị").ClickAsync();
        await row.GetByLabel("Tên hiển thị mới").FillAsync("Trần Văn Mới (Đội 2)");
        await row.Locator("[id^='rename-reason-']").FillAsync("Bổ sung đội công tác");
        await row.GetByRole(AriaRole.Button, new() { Name = "Lưu tên" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã lưu tên mới.");
        await Expect(row.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync($"{login} · Trần Văn Mới (Đội 2)");

        await row.GetByText("Vô hiệu hóa tài khoản").ClickAsync();
        await row.Locator($"[id^='state-reason-']").FillAsync("Nghỉ việc từ ngày 30/11/2026");
        await row.GetByRole(AriaRole.Button, new() { Name = "Vô hiệu hóa", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã vô hiệu hóa tài khoản");
        await Expect(page.Locator($"[id='state-{login}']")).ToContainTextAsync("Nghỉ việc từ ngày 30/11/2026");

        await SignInAsync(officer, login, Own, await StaffCodes.NextAsync(app.ConnectionString, login, key));
        await Expect(officer.Locator("#login-error")).ToContainTextAsync("đã bị vô hiệu hóa");
        Assert.Empty(tab.Errors);
        // The refused sign-in answers 400, which the browser reports as a failed load; nothing else may fail.
        Assert.All(officerTab.Errors, error => Assert.Contains("status of 400", error, StringComparison.Ordinal));
    }

    private static async Task SignInAsync(IPage page, string login, string password, string code)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(login);
        await page.GetByLabel("Mật khẩu").FillAsync(password);
        await page.GetByLabel("Mã xác thực (nếu có)").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
    }
}
