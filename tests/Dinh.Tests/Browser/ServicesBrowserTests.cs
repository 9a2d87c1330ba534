using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Dinh.Tests.Services;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>The issue's "done when", as a new user would try it: a mother submits a birth bundle, three agencies process it.</summary>
public sealed class ServicesBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Mother_submits_a_birth_bundle_three_agencies_process_it_and_she_sees_the_child_registered_with_a_card()
    {
        await using var mother = await browser.OpenAsync(390, 844);
        var portal = new ServicesDriver(browser.App);
        var (citizen, api) = await portal.CitizenWithHouseholdAsync();
        api.Dispose();
        var childName = RegistryDriver.UniqueName("Bé");

        await mother.Page.GotoAsync("/citizen/services?q=khai%20sinh");
        await mother.Page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Liên thông đăng ký khai sinh") }).ClickAsync();
        await mother.Page.GetByRole(AriaRole.Link, new() { Name = "Đăng nhập bằng tài khoản định danh điện tử để nộp hồ sơ." }).ClickAsync();
        await mother.Page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(citizen.Number);
        await mother.Page.GetByLabel("Mật khẩu").FillAsync(citizen.Password);
        await mother.Page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await Expect(mother.Page.GetByLabel("Họ và tên người nộp")).ToHaveValueAsync(citizen.Name);
        await Expect(mother.Page.GetByLabel("Nơi thường trú (hộ gia đình)")).ToHaveValueAsync("12 Phố Đội Cấn");
        await mother.Page.GetByLabel("Họ, chữ đệm và tên của trẻ").FillAsync(childName);
        await mother.Page.GetByLabel("Ngày sinh của trẻ").FillAsync(ServicesDriver.Day(-3));
        await mother.Page.GetByLabel("Giới tính của trẻ").SelectOptionAsync("female");
        await mother.Page.GetByLabel("Nơi sinh").FillAsync("Bệnh viện Phụ sản Hà Nội");
        await mother.Page.GetByLabel("Mã xã/phường đăng ký khai sinh").FillAsync(RegistryDriver.BaDinh);
        await mother.Page.GetByRole(AriaRole.Button, new() { Name = "Nộp hồ sơ" }).ClickAsync();
        await Expect(mother.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Hồ sơ của tôi");
        await Expect(mother.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Mã hồ sơ");
        // The receipt names the appointment: the bundle's due day, as "my dossiers" lists it.
        await Expect(mother.Page.GetByRole(AriaRole.Status)).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Ngày hẹn trả kết quả: \d{4}-\d{2}-\d{2}\."));

        await ProcessStepAsync(ServicesDriver.CivilStatusBaDinh, "Đăng ký khai sinh");
        await ProcessStepAsync(ServicesDriver.PoliceBaDinh, "Đăng ký thường trú");
        await ProcessStepAsync(ServicesDriver.SocialInsuranceHanoi, "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi");

        await UntilAsync(mother.Page, async () => await mother.Page.Locator(".bundle-status").First.TextContentAsync() == "Hoàn thành");
        await Expect(mother.Page.Locator(".step-status")).ToHaveTextAsync(["Đã có kết quả", "Đã có kết quả", "Đã có kết quả"]);
        await Expect(mother.Page.Locator(".bundle")).ToContainTextAsync("cardNumber: TE101");
        await Expect(mother.Page.Locator(".bundle")).ToContainTextAsync("childPersonalIdNumber: 001");
        Assert.Empty(mother.Errors);

        using var steward = await portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var found = await RegistryDriver.SearchAsync(steward, $"name={Uri.EscapeDataString(childName)}&dateOfBirth={ServicesDriver.Day(-3)}");
        var child = await RegistryDriver.GetAsync(steward, found.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Contains("12 Phố Đội Cấn", child.ToString(), StringComparison.Ordinal);
    }

    private async Task ProcessStepAsync(string login, string procedure)
    {
        await using var officer = await browser.OpenAsync();
        await officer.Page.GotoAsync("/officer/dossiers");
        await officer.Page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(login);
        await officer.Page.GetByLabel("Mật khẩu").FillAsync(DemoAccounts.OfficerPassword);
        await officer.Page.GetByLabel("Mã xác thực (nếu có)").FillAsync(await StaffCodes.NextAsync(browser.App.ConnectionString, login));
        await officer.Page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await Expect(officer.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Hồ sơ cần xử lý");
        // The bundle's worker opens the step shortly after the previous one is approved.
        var row = officer.Page.Locator("tr", new() { HasText = procedure });
        await UntilAsync(officer.Page, async () => await row.CountAsync() > 0);
        await row.First.GetByRole(AriaRole.Link).ClickAsync();
        await officer.Page.GetByRole(AriaRole.Button, new() { Name = "Tiếp nhận" }).ClickAsync();
        await Expect(officer.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đang giải quyết");
        await officer.Page.GetByRole(AriaRole.Button, new() { Name = "Phê duyệt" }).ClickAsync();
        await Expect(officer.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Đã có kết quả");
        Assert.Empty(officer.Errors);
    }

    /// <summary>Reloads the page until the condition holds (the bundle worker runs in the background), for up to 20 seconds.</summary>
    private static async Task UntilAsync(IPage page, Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        Assert.Fail("The page never reached the expected state: " + await page.Locator("main").InnerTextAsync());
    }
}
