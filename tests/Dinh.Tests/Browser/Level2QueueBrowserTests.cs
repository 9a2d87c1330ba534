using Dinh.Identity.Seeding;
using Dinh.Registry.Persistence;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>
/// A police officer on a phone: the biometric device answers later, so the counter receives a level-2 application;
/// the office's queue shows it with its due date and completes it once the device has answered.
/// </summary>
public sealed class Level2QueueBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task The_counter_receives_an_application_when_the_device_answers_later_and_the_queue_completes_it_on_a_phone()
    {
        var app = browser.App;
        var citizen = await CitizenAccounts.CreateAsync(app);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var record = await registry.Citizens.FirstAsync(c => c.Id == citizen.CitizenId);
            record.SetIdCard("079090201001", new DateOnly(2025, 1, 1), new DateOnly(2040, 1, 1));
            await registry.SaveChangesAsync();
        }
        await using var tab = await browser.OpenAsync(width: 390, height: 844);
        var page = tab.Page;

        await page.GotoAsync("/officer/eid");
        await page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(RegistryDriver.PoliceHoanKiem);
        await page.GetByLabel("Mật khẩu").FillAsync(DemoAccounts.OfficerPassword);
        await page.GetByLabel("Mã xác thực (nếu có)").FillAsync(await StaffCodes.NextAsync(app.ConnectionString, RegistryDriver.PoliceHoanKiem));
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await page.GetByLabel("Số định danh cá nhân", new() { Exact = true }).FillAsync(citizen.Number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
        await page.GetByLabel("Số thẻ căn cước (đọc từ chip)").FillAsync("079090201001");
        await page.GetByLabel("Đã đọc và xác thực chip thẻ").CheckAsync();
        await page.GetByLabel("Mã ảnh chân dung trên thiết bị").FillAsync("pending-face-1");
        await page.GetByLabel("Mã vân tay trên thiết bị").FillAsync("pending-finger-1");
        await page.GetByLabel("Công dân đã xác nhận thông tin").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Nâng lên mức 2", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã tiếp nhận yêu cầu");
        await Expect(page.Locator("#open-application")).ToBeVisibleAsync();
        await page.Locator("#open-application").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Yêu cầu nâng mức 2 chờ xử lý");
        var item = page.Locator("#level2-queue > li").Filter(new() { HasText = citizen.Number });
        await Expect(item).ToContainTextAsync("3 ngày làm việc");
        await Expect(item).ToContainTextAsync("kết quả của thiết bị sinh trắc học");
        Assert.Equal(0, await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth"));
        await item.GetByRole(AriaRole.Button, new() { Name = "Hoàn tất: nâng lên mức 2" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã hoàn tất yêu cầu");
        await Expect(page.Locator("#level2-queue > li").Filter(new() { HasText = citizen.Number })).ToHaveCountAsync(0);
        Assert.Empty(tab.Errors);
    }
}
