using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dinh.Tests.Browser;

/// <summary>The administrative-unit pages in a real browser: Vietnamese by default, a search without JavaScript tricks, no errors.</summary>
public sealed class UnitsPageTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task Units_search_page_finds_a_province_typed_without_accents_and_opens_it()
    {
        await using var tab = await browser.OpenAsync();
        await tab.Page.GotoAsync("/units");

        await Expect(tab.Page.Locator("html")).ToHaveAttributeAsync("lang", "vi");
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đơn vị hành chính");
        await tab.Page.GetByLabel("Mã hoặc tên").FillAsync("thanh hoa");
        await tab.Page.GetByLabel("Tính đến ngày").FillAsync("2025-06-30");
        await tab.Page.GetByLabel("Cấp").SelectOptionAsync("province");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();

        var link = tab.Page.GetByRole(AriaRole.Link, new() { Name = "Tỉnh Thanh Hóa" });
        await Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tỉnh Thanh Hóa");
        await Expect(tab.Page.GetByRole(AriaRole.Table)).ToBeVisibleAsync();
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Units_page_fits_a_phone_screen()
    {
        await using var tab = await browser.OpenAsync(width: 360, height: 740);

        await tab.Page.GotoAsync("/units?q=ha&date=2025-07-01");
        var overflow = await tab.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");

        Assert.True(overflow <= 0, $"the page is {overflow}px wider than a 360px screen");
        Assert.Empty(tab.Errors);
    }
}
