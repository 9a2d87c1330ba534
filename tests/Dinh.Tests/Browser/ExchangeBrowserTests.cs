using System.Net;
using System.Text.RegularExpressions;
using Dinh.Exchange.Members;
using Dinh.Tests.Exchange;
using Dinh.Tests.HostedRegistries;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dinh.Tests.Browser;

/// <summary>The citizen's "who used my data" page in Chromium, at phone size: the accesses, and a consent given then withdrawn.</summary>
public sealed partial class ExchangeBrowserTests(BrowserApp browser) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task A_citizen_sees_who_used_their_data_and_withdraws_a_consent_on_a_phone()
    {
        await using var tab = await browser.OpenAsync(390, 844);
        var app = browser.App;
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var insurer = await ExchangeDriver.RegisterMemberAsync(app, "BHXH");
        await insurer.GrantAsync(Datasets.Person, "fullName dateOfBirth", "health-insurance-card");
        using var bank = await ExchangeDriver.RegisterMemberAsync(app, "VCB");
        await bank.GrantAsync(Datasets.Verification, "fullName", "bank-ekyc", consentRequired: true);
        using (var client = await insurer.ClientAsync("health-insurance-card", "BHYT-2026-42"))
        {
            using var lookup = await client.GetAsync($"/api/exchange/persons/{citizen.Number}");
            Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        }

        await SignInToDataUsageAsync(tab, citizen.Number, citizen.Password);

        var accesses = tab.Page.Locator("#accesses");
        await Assertions.Expect(accesses).ToContainTextAsync("Công ty BHXH");
        await Assertions.Expect(accesses).ToContainTextAsync("health-insurance-card");
        await Assertions.Expect(accesses).ToContainTextAsync("BHYT-2026-42");
        await Assertions.Expect(accesses).ToContainTextAsync("fullName dateOfBirth");
        await Assertions.Expect(accesses).ToContainTextAsync("Tra cứu dữ liệu");

        var consents = tab.Page.Locator("#consents");
        await consents.GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true }).ClickAsync();
        await Assertions.Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sự đồng ý của bạn đã được ghi nhận.");
        using (var client = await bank.ClientAsync("bank-ekyc", "EKYC-1"))
        {
            var (ok, _) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new { personalIdNumber = citizen.Number, fullName = citizen.Name });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        await tab.Page.ReloadAsync();
        await Assertions.Expect(accesses).ToContainTextAsync("Xác thực thông tin");

        await consents.GetByRole(AriaRole.Button, new() { Name = "Rút lại sự đồng ý" }).ClickAsync();
        await Assertions.Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Bạn đã rút lại sự đồng ý.");
        using (var client = await bank.ClientAsync("bank-ekyc", "EKYC-2"))
        {
            var (refused, _) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new { personalIdNumber = citizen.Number, fullName = citizen.Name });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        await tab.Page.ReloadAsync();
        await Assertions.Expect(accesses).ToContainTextAsync("Yêu cầu bị từ chối");
        var overflow = await tab.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page scrolls sideways on a phone");
        Assert.True(tab.Errors.Count == 0, string.Join("\n", tab.Errors));
    }

    [Fact]
    public async Task A_citizen_sees_the_creation_and_a_read_of_their_record_in_an_agencys_hosted_registry_on_a_phone()
    {
        await using var tab = await browser.OpenAsync(390, 844);
        var app = browser.App;
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        using var treasury = await ExchangeDriver.RegisterMemberAsync(app, "KBNN");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        using (var ownerClient = await owner.ClientAsync("social-assistance-payment", "QD-2026-9"))
        {
            var (created, _) = await HostedRegistryDriver.PostAsync(ownerClient, $"/data/{code}/1.0/create",
                new { write = new { content = HostedRegistryDriver.Record("BTXH-HN-000777", citizen.Number, citizen.Name) } });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        var granted = await app.RunDinhAsync("registries", "grant", code, treasury.Identifier, "--operation", "read",
            "--purpose", "allowance-disbursement", "--legal-basis", "Thông tư 02/2021/TT-BLĐTBXH, Điều 9");
        Assert.True(granted.ExitCode == 0, granted.Error);
        using (var reader = await treasury.ClientAsync("allowance-disbursement", "CHI-2026-11"))
        {
            var (read, _) = await HostedRegistryDriver.PostAsync(reader, $"/data/{code}/1.0/read",
                new { query = new { content = new { personalIdNumber = citizen.Number } } });
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        await SignInToDataUsageAsync(tab, citizen.Number, citizen.Password);

        var uses = tab.Page.Locator("#registry-uses");
        await Assertions.Expect(uses).ToContainTextAsync("Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng — Thành phố Hà Nội");
        await Assertions.Expect(uses).ToContainTextAsync($"{code} / BTXH-HN-000777");
        await Assertions.Expect(uses).ToContainTextAsync("Công ty KBNN");
        await Assertions.Expect(uses).ToContainTextAsync("allowance-disbursement");
        await Assertions.Expect(uses).ToContainTextAsync("CHI-2026-11");
        await Assertions.Expect(uses).ToContainTextAsync("fullName");
        // The owner's creation of the record is there too, under the same registry and record.
        await Assertions.Expect(uses).ToContainTextAsync("Tạo bản ghi về bạn");
        await Assertions.Expect(uses).ToContainTextAsync("QD-2026-9");
        // Listed once, under the registries: the general table does not repeat it as a raw access-log line.
        await Assertions.Expect(tab.Page.Locator("#no-accesses")).ToBeVisibleAsync();
        var overflow = await tab.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page scrolls sideways on a phone");
        Assert.True(tab.Errors.Count == 0, string.Join("\n", tab.Errors));
    }

    [Fact]
    public async Task An_administrator_sees_a_members_certificate_and_replaces_it_on_a_phone()
    {
        await using var tab = await browser.OpenAsync(390, 844);
        var app = browser.App;
        using var first = MutualTlsTests.SelfSigned("CN=sim.itel.test, O=iTel");
        using var second = MutualTlsTests.SelfSignedElliptic("CN=sim.itel.test, O=iTel", System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var identifier = await MutualTlsTests.AddMemberAsync(app, first);

        await tab.Page.GotoAsync("/admin/exchange");
        await tab.Page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(Dinh.Identity.Seeding.DemoAccounts.AdministratorLogin);
        await tab.Page.GetByLabel("Mật khẩu").FillAsync(Dinh.Identity.Seeding.DemoAccounts.OfficerPassword);
        await tab.Page.GetByLabel("Mã xác thực (nếu có)").FillAsync(await StaffCodes.NextAsync(app.ConnectionString, Dinh.Identity.Seeding.DemoAccounts.AdministratorLogin));
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        await tab.Page.Locator("#members tr", new() { HasText = identifier }).GetByRole(AriaRole.Link, new() { Name = "Xác thực" }).ClickAsync();

        var keys = tab.Page.Locator("#auth-keys");
        await Assertions.Expect(tab.Page.Locator("#auth-method")).ToContainTextAsync("TLS hai chiều");
        await Assertions.Expect(keys).ToContainTextAsync(first.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
        await Assertions.Expect(keys).ToContainTextAsync("CN=sim.itel.test");
        await tab.Page.GetByLabel("Chứng thư (PEM)").FillAsync(second.ExportCertificatePem());
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Thay chứng thư" }).ClickAsync();

        await Assertions.Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Thành viên từ nay xác thực bằng TLS hai chiều với chứng thư mới.");
        await Assertions.Expect(keys).ToContainTextAsync(second.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
        await Assertions.Expect(keys).ToContainTextAsync("EC P-256");
        await Assertions.Expect(keys).Not.ToContainTextAsync(first.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256));
        var overflow = await tab.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the page scrolls sideways on a phone");
        Assert.True(tab.Errors.Count == 0, string.Join("\n", tab.Errors));
    }

    private static async Task SignInToDataUsageAsync(BrowserPage tab, string number, string password)
    {
        await tab.Page.GotoAsync("/account/data-usage");
        await tab.Page.GetByLabel("Số định danh cá nhân hoặc tên đăng nhập").FillAsync(number);
        await tab.Page.GetByLabel("Mật khẩu").FillAsync(password);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập", Exact = true }).ClickAsync();
        // Polls the address, with no wait for a load event: a wait for "load" that began while the
        // sign-in's redirect was committing has been seen to miss it and time out (CI, 2026-11-25).
        await Assertions.Expect(tab.Page).ToHaveURLAsync(DataUsagePage());
        await Assertions.Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
    }

    [GeneratedRegex("/account/data-usage$")]
    private static partial Regex DataUsagePage();
}
