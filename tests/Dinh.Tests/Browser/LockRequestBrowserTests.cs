using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Identity.Seeding;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>
/// Decree 69/2024 Art. 15 on a phone: the commune police file a lock request for a citizen who lost their phone; the
/// C06 officer finds it in the queue with its due date and approves it; the account is locked.
/// </summary>
public sealed class LockRequestBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Commune_police_file_a_lock_request_and_the_C06_approves_it_from_the_queue_on_a_phone()
    {
        var app = browser.App;
        var citizen = await CitizenAccounts.CreateAsync(app);
        await using (var tab = await browser.OpenAsync(width: 390, height: 844))
        {
            var page = tab.Page;
            await SignInAsync(page, app, RegistryDriver.PoliceHoanKiem, "/officer/eid");
            await page.GetByLabel("Số định danh cá nhân", new() { Exact = true }).FillAsync(citizen.Number);
            await page.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
            await page.GetByLabel("Căn cứ").SelectOptionAsync(new SelectOptionValue { Label = "Mất điện thoại, thiết bị hoặc tài khoản có dấu hiệu bị chiếm đoạt" });
            await page.GetByLabel("Lý do chi tiết (bắt buộc; công dân sẽ thấy)").FillAsync("Công dân báo mất điện thoại");
            await page.GetByRole(AriaRole.Button, new() { Name = "Gửi yêu cầu khóa", Exact = true }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã gửi yêu cầu khóa tài khoản đến Cục C06");
            await Expect(page.Locator("#open-lock-request")).ToBeVisibleAsync();
            Assert.Equal(0, await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth"));
            Assert.Empty(tab.Errors);
        }

        await using (var tab = await browser.OpenAsync(width: 390, height: 844))
        {
            var page = tab.Page;
            await SignInAsync(page, app, LockRequestTests.C06, "/officer/eid/locks");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Yêu cầu khóa, mở khóa tài khoản");
            var item = page.Locator("#lock-queue > li").Filter(new() { HasText = citizen.Number });
            await Expect(item).ToContainTextAsync("2 ngày làm việc");
            await Expect(item).ToContainTextAsync("Công dân báo mất điện thoại");
            Assert.Equal(0, await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth"));
            await item.GetByRole(AriaRole.Button, new() { Name = "Phê duyệt: khóa tài khoản" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã phê duyệt yêu cầu");
            await Expect(page.Locator("#lock-queue > li").Filter(new() { HasText = citizen.Number })).ToHaveCountAsync(0);
            Assert.Empty(tab.Errors);
        }
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstAsync(a => a.Id == citizen.AccountId);
        Assert.Equal(AccountLock.Police, account.Lock);
    }

    private static async Task SignInAsync(IPage page, DinhApp app, string login, string path)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(login);
        await page.GetByLabel("Mật khẩu").FillAsync(DemoAccounts.OfficerPassword);
        await page.GetByLabel("Mã xác thực (nếu có)").FillAsync(await StaffCodes.NextAsync(app.ConnectionString, login));
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
    }
}
