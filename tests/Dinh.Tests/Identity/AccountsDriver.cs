using System.Globalization;
using System.Net;
using Dinh.Identity.Accounts;
using Dinh.Identity.Seeding;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Dinh.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>Intent methods for sign-in: through the real login form, with antiforgery and, for staff, a TOTP code.</summary>
public static class AccountsDriver
{
    private static readonly Dictionary<string, CookieContainer> StaffSessions = new(StringComparer.Ordinal);

    /// <summary>
    /// A client signed in as the staff account: the session of an earlier call for the same database and login when
    /// it is still valid (a TOTP code is good once, see <see cref="StaffCodes"/>), else a new sign-in.
    /// </summary>
    public static async Task<HttpClient> SignInStaffAsync(DinhApp app, string login)
    {
        ArgumentNullException.ThrowIfNull(app);
        var slot = app.ConnectionString + "\n" + login;
        CookieContainer? cached;
        lock (StaffSessions)
        {
            StaffSessions.TryGetValue(slot, out cached);
        }
        if (cached is not null)
        {
            var copy = new CookieContainer();
            copy.Add(cached.GetAllCookies());
            var reused = app.CreateClient(cookies: copy);
            using var check = await reused.GetAsync(new Uri("/account", UriKind.Relative));
            if (check.StatusCode == HttpStatusCode.OK)
            {
                return reused;
            }
            reused.Dispose();
        }
        var cookies = new CookieContainer();
        var client = app.CreateClient(cookies: cookies);
        using var response = await PostLoginAsync(client, login, DemoAccounts.OfficerPassword, await StaffCodes.NextAsync(app.ConnectionString, login));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"staff sign-in as {login}: {(int)response.StatusCode}");
        var kept = new CookieContainer();
        kept.Add(cookies.GetAllCookies());
        lock (StaffSessions)
        {
            StaffSessions[slot] = kept;
        }
        return client;
    }

    /// <summary>
    /// A new officer's account and directory entry (residence police of commune 00070 unless told otherwise), with
    /// this password and a second factor: its id, login (the prefix and a unique tail) and TOTP key.
    /// </summary>
    public static async Task<(Guid Id, string Login, string Key)> CreateOfficerAsync(DinhApp app, string prefix, string password,
        OfficerRole role = OfficerRole.ResidencePolice, string communeCode = "00070")
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var id = Guid.CreateVersion7();
        var login = prefix + "." + id.ToString("N", CultureInfo.InvariantCulture)[^10..];
        await scope.ServiceProvider.GetRequiredService<OfficerDirectory>().UpsertAsync(new Officer
        {
            Id = id, Login = login, DisplayName = "Cán bộ thử " + prefix, Role = role,
            JurisdictionLevel = JurisdictionLevel.Commune, JurisdictionCode = communeCode,
        }, CancellationToken.None);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
        var account = new Account
        {
            Id = id, UserName = login, DisplayName = "Cán bộ thử " + prefix, Kind = AccountKind.Officer, Level = AssuranceLevel.Level2,
            CreatedAt = TimeProvider.System.GetUtcNow(), TwoFactorEnabled = true, LockoutEnabled = true,
        };
        Assert.True((await users.CreateAsync(account, password)).Succeeded);
        await users.ResetAuthenticatorKeyAsync(account);
        return (id, login, (await users.GetAuthenticatorKeyAsync(account))!);
    }

    /// <summary>A browser signed in as a staff account made by <see cref="CreateOfficerAsync"/>, with its password and a code of its key.</summary>
    public static async Task<HttpClient> SignInOfficerAsync(DinhApp app, string login, string password, string key)
    {
        ArgumentNullException.ThrowIfNull(app);
        var browser = app.CreateClient(cookies: new CookieContainer());
        using var signIn = await PostLoginAsync(browser, login, password, await StaffCodes.NextAsync(app.ConnectionString, login, key));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
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

    /// <summary>A browser signed in as the citizen (no second factor).</summary>
    public static async Task<HttpClient> SignInCitizenAsync(DinhApp app, TestCitizen citizen)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(citizen);
        var browser = app.CreateClient(cookies: new CookieContainer());
        using var login = await PostLoginAsync(browser, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return browser;
    }

    /// <summary>A parent or guardian registers a child's account at /account/children.</summary>
    public static async Task<HttpResponseMessage> RegisterChildAsync(HttpClient browser, string number, string name, string dob)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/children");
        return await browser.PostAsync(new Uri("/account/children", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["number"] = number, ["name"] = name, ["dateOfBirth"] = dob, ["password"] = "mat-khau-cua-con-2026", ["confirm"] = "mat-khau-cua-con-2026",
            ["__RequestVerificationToken"] = token,
        }));
    }
}

/// <summary>A citizen with a registry record and a level-1 or level-2 account, made through the real services.</summary>
public sealed record TestCitizen(Guid CitizenId, Guid AccountId, string Number, string Name, string Password);

public static class CitizenAccounts
{
    public const string Password = "mat-khau-thu-nghiem-2026";

    public static async Task<TestCitizen> CreateAsync(DinhApp app, Dinh.Identity.Accounts.AssuranceLevel level = Dinh.Identity.Accounts.AssuranceLevel.Level1,
        string dateOfBirth = "1990-05-01")
    {
        var registry = new Dinh.Tests.Registry.RegistryDriver(app);
        using var officer = await registry.SignInAsync(Dinh.Tests.Registry.RegistryDriver.CivilStatusBaDinh);
        var name = Dinh.Tests.Registry.RegistryDriver.UniqueName("Thu");
        var born = await Dinh.Tests.Registry.RegistryDriver.RegisterBirthAsync(officer, name, dateOfBirth, "female");
        var citizenId = born.GetProperty("id").GetGuid();
        var number = born.GetProperty("personalIdNumber").GetString()!;
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Dinh.Identity.Accounts.Account>>();
        var account = new Dinh.Identity.Accounts.Account
        {
            Id = Guid.CreateVersion7(), UserName = number, Kind = Dinh.Identity.Accounts.AccountKind.Citizen, CitizenId = citizenId, Level = level,
            CreatedAt = TimeProvider.System.GetUtcNow(), PhoneNumber = "+84912345678", PhoneNumberConfirmed = true, LockoutEnabled = true,
        };
        var result = await users.CreateAsync(account, Password);
        Assert.True(result.Succeeded, string.Join(";", result.Errors.Select(e => e.Code)));
        return new TestCitizen(citizenId, account.Id, number, name, Password);
    }
}
