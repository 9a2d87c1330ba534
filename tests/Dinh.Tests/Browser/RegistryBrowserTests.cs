using Dinh.Tests.Registry;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>An officer's first minutes in a real browser: sign in, find a citizen typed without accents, read the record.</summary>
public sealed class RegistryBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Officer_signs_in_finds_a_citizen_without_accents_and_reads_the_timeline_in_Vietnamese()
    {
        await using var tab = await browser.OpenAsync();
        var registry = new RegistryDriver(browser.App);
        using (var api = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh))
        {
            await RegistryDriver.RegisterBirthAsync(api, "Nguyễn Thị Hoà Bình", "1988-08-08", "female");
        }

        await tab.Page.GotoAsync("/officer/citizens");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đăng nhập");
        await tab.Page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(RegistryDriver.CivilStatusBaDinh);
        await tab.Page.GetByLabel("Mật khẩu").FillAsync(Dinh.Identity.Seeding.DemoAccounts.OfficerPassword);
        await tab.Page.GetByLabel("Mã xác thực (nếu có)").FillAsync(await Dinh.Tests.Infrastructure.StaffCodes.NextAsync(browser.App.ConnectionString, RegistryDriver.CivilStatusBaDinh));
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tra cứu công dân");

        await tab.Page.GetByLabel("Họ, chữ đệm và tên").FillAsync("nguyen thi hoa binh");
        await tab.Page.GetByLabel("Ngày sinh (yyyy, yyyy-MM hoặc yyyy-MM-dd)").FillAsync("1988");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Nguyễn Thị Hoà Bình" }).First.ClickAsync();

        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nguyễn Thị Hoà Bình");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Lịch sử thay đổi" })).ToBeVisibleAsync();
        await Expect(tab.Page.Locator(".timeline > li")).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator(".timeline")).ToContainTextAsync("registry.birth.registered");
        Assert.Empty(tab.Errors);
    }
}
