using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>The home page and layout in a real browser: both languages, the switch, keyboard, phone, no errors.</summary>
public sealed class HomePageTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Home_page_opens_in_Vietnamese_for_an_English_speaking_browser()
    {
        await using var tab = await browser.OpenAsync();

        await tab.Page.GotoAsync("/");

        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Dinh: dữ liệu dân cư và dịch vụ công trực tuyến");
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = "Tiếng Việt" })).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Language_switch_changes_to_English_and_is_remembered_across_pages()
    {
        await using var tab = await browser.OpenAsync();
        await tab.Page.GotoAsync("/officer");

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        var afterSwitch = tab.Page.Url;
        await tab.Page.GotoAsync("/");

        Assert.EndsWith("/officer", afterSwitch, StringComparison.Ordinal);
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Dinh: population data and online public services");

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Tiếng Việt" }).ClickAsync();
        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Every_page_of_the_layout_loads_without_console_errors_or_CSP_violations()
    {
        await using var tab = await browser.OpenAsync();

        foreach (var path in new[] { "/", "/citizen", "/officer", "/admin", "/api-docs" })
        {
            var response = await tab.Page.GotoAsync(path);
            Assert.Equal(200, response?.Status);
            await Expect(tab.Page.Locator("main h1")).ToBeVisibleAsync();
        }

        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Keyboard_users_reach_a_skip_link_first_and_the_page_has_landmarks()
    {
        await using var tab = await browser.OpenAsync();
        await tab.Page.GotoAsync("/");

        await tab.Page.Keyboard.PressAsync("Tab");
        var focused = await tab.Page.EvaluateAsync<string>("document.activeElement.textContent.trim()");
        await tab.Page.Keyboard.PressAsync("Enter");

        Assert.Equal("Bỏ qua, đến nội dung chính", focused);
        await Expect(tab.Page.Locator("main#main")).ToBeFocusedAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Banner)).ToHaveCountAsync(1);
        await Expect(tab.Page.GetByRole(AriaRole.Navigation, new() { Name = "Khu vực" })).ToHaveCountAsync(1);
        await Expect(tab.Page.GetByRole(AriaRole.Main)).ToHaveCountAsync(1);
        await Expect(tab.Page.GetByRole(AriaRole.Contentinfo)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task On_a_phone_the_page_fits_the_screen_without_sideways_scrolling()
    {
        await using var tab = await browser.OpenAsync(width: 360, height: 740);

        await tab.Page.GotoAsync("/");
        var overflow = await tab.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");

        Assert.True(overflow <= 0, $"the page is {overflow}px wider than a 360px screen");
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = "English" })).ToBeVisibleAsync();
    }
}
