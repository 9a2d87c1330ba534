using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Identity.Seeding;
using Dinh.Tests.Registry;
using Duende.IdentityModel.OidcClient;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>
/// A new citizen in a real browser: registers at level 1 with the SMS code, then logs in to a third-party app
/// (the sample client) through Dinh — consent, tokens, userinfo — and logs out.
/// </summary>
public sealed partial class IdentityBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_citizen_registers_at_level_1_consents_and_logs_in_to_the_sample_app_then_logs_out()
    {
        await using var tab = await browser.OpenAsync(width: 390, height: 844);
        var page = tab.Page;
        var registry = new RegistryDriver(browser.App);
        string number;
        var name = RegistryDriver.UniqueName("Lan");
        using (var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh))
        {
            number = (await RegistryDriver.RegisterBirthAsync(officer, name, "1994-09-02", "female")).GetProperty("personalIdNumber").GetString()!;
        }
        var phone = "09" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Register: details as on the card (typed without diacritics), then the code from the SMS.
        await page.GotoAsync("/account/register");
        await page.GetByLabel("Số định danh cá nhân (12 chữ số)").FillAsync(number);
        await page.GetByLabel("Họ, chữ đệm và tên").FillAsync(name);
        await page.GetByLabel("Ngày sinh (yyyy-MM-dd)").FillAsync("1994-09-02");
        await page.GetByLabel("Số điện thoại di động").FillAsync(phone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Gửi mã xác minh" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nhập mã xác minh và đặt mật khẩu");
        var code = await SmsCodeAsync("+84" + phone[1..]);
        await page.GetByLabel("Mã xác minh").FillAsync(code);
        await page.GetByLabel("Mật khẩu mới (ít nhất 10 ký tự)").FillAsync("hoa-sen-tren-ho-2026");
        await page.GetByLabel("Nhập lại mật khẩu mới").FillAsync("hoa-sen-tren-ho-2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tài khoản của tôi");
        await Expect(page.Locator("#account-level")).ToHaveTextAsync("Mức 1");

        // A third-party app sends the browser to Dinh; its redirect URI is answered here, as the app would.
        var client = new OidcClient(new OidcClientOptions
        {
            Authority = browser.App.BaseAddress.ToString().TrimEnd('/'),
            ClientId = DemoAccounts.SampleClientId,
            ClientSecret = DemoAccounts.SampleClientSecret,
            RedirectUri = "http://localhost:5090/signin-oidc",
            Scope = "openid profile birthdate",
            Policy = new Policy { Discovery = new Duende.IdentityModel.Client.DiscoveryPolicy { RequireHttps = false } },
        });
        var state = await client.PrepareLoginAsync();
        string? callback = null;
        await page.RouteAsync("http://localhost:5090/**", async route =>
        {
            callback = route.Request.Url;
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><html lang=\"en\"><title>Sample</title><h1>Sample app</h1></html>" });
        });
        await page.GotoAsync(state.StartUrl);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("muốn dùng tài khoản định danh điện tử của bạn");
        await Expect(page.Locator(".consent-list")).ToContainTextAsync("Ngày sinh");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sample app");

        var result = await client.ProcessResponseAsync(callback!, state);
        Assert.False(result.IsError, result.Error);
        Assert.Equal(name, result.User.FindFirst("name")?.Value);
        Assert.Equal("urn:dinh:loa:1", result.User.FindFirst("acr")?.Value);

        // "Connected apps" lists the sample; logging out at Dinh ends the session.
        await page.UnrouteAsync("http://localhost:5090/**");
        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ứng dụng đã kết nối" })).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("Ứng dụng mẫu");
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất khỏi trình duyệt này" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(HomePage());
        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đăng nhập");
        // The stand-in app page has no favicon: its failed request is the app's, not Dinh's.
        Assert.DoesNotContain(tab.Errors, e => !e.Contains("localhost:5090", StringComparison.Ordinal));
    }

    private async Task<string> SmsCodeAsync(string phone)
    {
        using var http = browser.App.CreateClient();
        using var response = await http.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString(phone)}&kind=otp.registration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return SixDigits().Match(json.RootElement.GetProperty("body").GetString()!).Value;
    }

    [GeneratedRegex("^http://[^/]+/$")]
    private static partial Regex HomePage();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
