using System.Net;
using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;

namespace Dinh.Tests.Identity;

/// <summary>Intent methods for sign-in: through the real login form, with antiforgery and, for staff, a TOTP code.</summary>
public static class AccountsDriver
{
    public static async Task<HttpClient> SignInStaffAsync(DinhApp app, string login)
    {
        var client = app.CreateClient(cookies: new CookieContainer());
        using var response = await PostLoginAsync(client, login, DemoAccounts.OfficerPassword, Totp.Code(DemoAccounts.StaffTotpKey));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"staff sign-in as {login}: {(int)response.StatusCode}");
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string login, string password, string? code = null, string? returnUrl = null)
    {
        var path = "/account/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var token = await DinhApp.GetAntiforgeryTokenAsync(client, path);
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = login,
            ["password"] = password,
            ["code"] = code ?? "",
            ["ReturnUrl"] = returnUrl ?? "",
            ["__RequestVerificationToken"] = token,
        }));
    }
}
