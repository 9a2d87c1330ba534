using System.Net;
using System.Text.Json;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>Level-1 self-registration and password reset with a code sent by SMS (development mailbox).</summary>
public abstract class RegistrationTests(DinhApp fixture)
{
    [Fact]
    public async Task A_citizen_registers_with_matching_details_and_the_SMS_code_then_is_signed_in_at_level_1()
    {
        var (number, name) = await CitizenAsync("1992-03-04");
        var phone = Phone();
        using var browser = fixture.Require().CreateClient(cookies: new CookieContainer());

        var verify = await StartAsync(browser, number, name.ToLowerInvariant(), "1992-03-04", phone);
        var code = await CodeAsync(browser, phone);
        using var done = await VerifyAsync(browser, verify, code, "mot-mat-khau-dai-2026");

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account?welcome=1", done.Headers.Location?.OriginalString);
        var account = await AccountAsync(number);
        Assert.Equal(AssuranceLevel.Level1, account!.Level);
        Assert.Equal("+84" + phone[1..], account.PhoneNumber);
        Assert.Contains(number, await browser.GetStringAsync("/account"), StringComparison.Ordinal);

        // The same code a second time: refused, with a clear message.
        using var again = await VerifyAsync(browser, verify, code, "mot-mat-khau-dai-2026");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("đã được dùng", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_details_unknown_numbers_and_children_get_the_same_answer_and_no_code()
    {
        var (number, name) = await CitizenAsync("1985-01-02");
        var (child, childName) = await CitizenAsync("2016-06-06");
        using var browser = fixture.Require().CreateClient(cookies: new CookieContainer());
        var phones = new[] { Phone(), Phone(), Phone(), Phone() };

        var answers = new[]
        {
            await StartAsync(browser, number, name + " X", "1985-01-02", phones[0]),
            await StartAsync(browser, number, name, "1985-01-03", phones[1]),
            await StartAsync(browser, "001085999999", name, "1985-01-02", phones[2]),
            await StartAsync(browser, child, childName, "2016-06-06", phones[3]),
        };

        Assert.All(answers, a => Assert.StartsWith("/account/verify?id=", a, StringComparison.Ordinal));
        foreach (var phone in phones)
        {
            using var none = await browser.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString("+84" + phone[1..])}");
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }
        using var guessed = await VerifyAsync(browser, answers[0], "123456", "mot-mat-khau-dai-2026");
        Assert.Equal(HttpStatusCode.BadRequest, guessed.StatusCode);
        Assert.Null(await AccountAsync(number));
    }

    [Fact]
    public async Task A_malformed_phone_gets_a_clear_message_in_Vietnamese_and_English()
    {
        using var browser = fixture.Require().CreateClient(cookies: new CookieContainer());
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/register");
        using var response = await browser.PostAsync("/account/register", Form(token, "001090000001", "Nguyễn Văn A", "1990-01-01", "12345"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Số điện thoại di động Việt Nam không hợp lệ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_reset_by_SMS_code_ends_every_session()
    {
        var citizen = await CitizenAccounts.CreateAsync(fixture.Require());
        using var signedIn = fixture.Require().CreateClient(cookies: new CookieContainer());
        using (var login = await AccountsDriver.PostLoginAsync(signedIn, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }
        using var browser = fixture.Require().CreateClient(cookies: new CookieContainer());
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/reset");
        using var start = await browser.PostAsync("/account/reset", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["number"] = citizen.Number, ["phone"] = "0912345678", ["__RequestVerificationToken"] = token,
        }));
        var verify = start.Headers.Location!.OriginalString;
        var code = await CodeAsync(browser, "0912345678", kind: "otp.reset", after: start);
        using var done = await VerifyAsync(browser, verify, code, "mat-khau-moi-sau-khi-quen");

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        using var old = await signedIn.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        using var fresh = fixture.Require().CreateClient(cookies: new CookieContainer());
        using var relogin = await AccountsDriver.PostLoginAsync(fresh, citizen.Number, "mat-khau-moi-sau-khi-quen");
        Assert.Equal(HttpStatusCode.Redirect, relogin.StatusCode);
    }

    [Fact]
    public async Task An_email_verified_from_the_account_page_can_reset_the_password_and_an_unverified_one_cannot()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var email = $"cd-{Guid.NewGuid():N}@example.vn";
        using var signedIn = await AccountsDriver.SignInCitizenAsync(app, citizen);

        var token = await DinhApp.GetAntiforgeryTokenAsync(signedIn, "/account");
        using var set = await signedIn.PostAsync("/account?handler=Email", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["__RequestVerificationToken"] = token,
        }));
        var page = await set.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        using (var early = await StartEmailResetAsync(app, citizen.Number, email))
        {
            Assert.Equal(HttpStatusCode.Redirect, early.StatusCode);
        }
        using (var none = await signedIn.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString(email)}&kind=otp.reset"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }
        var challenge = System.Text.RegularExpressions.Regex.Match(page, "name=\"challenge\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;
        using var wrong = await signedIn.PostAsync("/account?handler=EmailCode", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["challenge"] = challenge, ["code"] = "000000", ["__RequestVerificationToken"] = token,
        }));
        using var verified = await signedIn.PostAsync("/account?handler=EmailCode", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["challenge"] = challenge, ["code"] = await EmailCodeAsync(signedIn, email, "otp.email"), ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.True((await AccountAsync(citizen.Number))!.EmailConfirmed);

        using var start = await StartEmailResetAsync(app, citizen.Number, email.ToUpperInvariant());
        using var browser = app.CreateClient(cookies: new CookieContainer());
        using var done = await VerifyAsync(browser, start.Headers.Location!.OriginalString, await EmailCodeAsync(browser, email, "otp.reset"),
            "mat-khau-moi-qua-email");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        using var fresh = app.CreateClient(cookies: new CookieContainer());
        using var relogin = await AccountsDriver.PostLoginAsync(fresh, citizen.Number, "mat-khau-moi-qua-email");
        Assert.Equal(HttpStatusCode.Redirect, relogin.StatusCode);
    }

    private static async Task<HttpResponseMessage> StartEmailResetAsync(DinhApp app, string number, string email)
    {
        using var browser = app.CreateClient(cookies: new CookieContainer());
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/reset");
        return await browser.PostAsync("/account/reset", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["number"] = number, ["phone"] = email, ["__RequestVerificationToken"] = token,
        }));
    }

    private static async Task<string> EmailCodeAsync(HttpClient browser, string email, string kind)
    {
        using var response = await browser.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString(email)}&kind={kind}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return System.Text.RegularExpressions.Regex.Match(json.RootElement.GetProperty("body").GetString()!, @"\b(\d{6})\b").Groups[1].Value;
    }

    [Fact]
    public async Task A_level_2_parent_registers_their_child_under_14_and_nobody_else_can()
    {
        var app = fixture.Require();
        var parent = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var stranger = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var registry = new RegistryDriver(app);
        using var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var childName = RegistryDriver.UniqueName("Bé");
        var child = await RegistryDriver.RegisterBirthAsync(officer, childName, "2018-03-03", "male", extra: new { motherId = parent.CitizenId });
        var childNumber = child.GetProperty("personalIdNumber").GetString()!;

        using var strangerBrowser = await AccountsDriver.SignInCitizenAsync(app, stranger);
        using var refused = await AccountsDriver.RegisterChildAsync(strangerBrowser, childNumber, childName, "2018-03-03");
        using var parentBrowser = await AccountsDriver.SignInCitizenAsync(app, parent);
        using var created = await AccountsDriver.RegisterChildAsync(parentBrowser, childNumber, childName, "2018-03-03");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var account = await AccountAsync(childNumber);
        Assert.Equal(parent.AccountId, account!.GuardianAccountId);
        Assert.Equal(AssuranceLevel.Level1, account.Level);
    }

    private async Task<(string Number, string Name)> CitizenAsync(string dateOfBirth)
    {
        var registry = new RegistryDriver(fixture.Require());
        using var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var name = RegistryDriver.UniqueName("Đăng");
        var born = await RegistryDriver.RegisterBirthAsync(officer, name, dateOfBirth, "male");
        return (born.GetProperty("personalIdNumber").GetString()!, name);
    }

    private static string Phone() => "09" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static FormUrlEncodedContent Form(string token, string number, string name, string dob, string phone) => new(new Dictionary<string, string>
    {
        ["Input.Number"] = number, ["Input.FullName"] = name, ["Input.DateOfBirth"] = dob, ["Input.Phone"] = phone, ["Input.Email"] = "",
        ["__RequestVerificationToken"] = token,
    });

    private static async Task<string> StartAsync(HttpClient browser, string number, string name, string dob, string phone)
    {
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/register");
        using var response = await browser.PostAsync("/account/register", Form(token, number, name, dob, phone));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private static async Task<string> CodeAsync(HttpClient browser, string phone, string kind = "otp.registration", HttpResponseMessage? after = null)
    {
        _ = after;
        using var response = await browser.GetAsync($"/dev/mailbox/latest?recipient={Uri.EscapeDataString("+84" + phone[1..])}&kind={kind}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var body = json.RootElement.GetProperty("body").GetString()!;
        return System.Text.RegularExpressions.Regex.Match(body, @"\b(\d{6})\b").Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> VerifyAsync(HttpClient browser, string verifyPath, string code, string password)
    {
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, verifyPath);
        var id = verifyPath[(verifyPath.IndexOf('=', StringComparison.Ordinal) + 1)..];
        return await browser.PostAsync(verifyPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Id"] = id, ["code"] = code, ["password"] = password, ["confirm"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    private async Task<Account?> AccountAsync(string number)
    {
        await using var scope = fixture.Require().Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.UserName == number);
    }
}

public sealed class RegistrationTestsOnSqlite(SqliteApp app) : RegistrationTests(app), IClassFixture<SqliteApp>;

public sealed class RegistrationTestsOnPostgres(PostgresApp app) : RegistrationTests(app), IClassFixture<PostgresApp>;
