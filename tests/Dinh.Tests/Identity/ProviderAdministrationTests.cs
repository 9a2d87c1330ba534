using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Dinh.Identity.Persistence;
using Dinh.Identity.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Dinh.Tests.Infrastructure;
using Duende.IdentityModel.OidcClient;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dinh.Tests.Identity;

/// <summary>Registering clients (CLI and page), rotating keys, RS256 clients, forced re-authentication.</summary>
public abstract class ProviderAdministrationTests(DinhApp fixture)
{
    [Fact]
    public async Task dinh_clients_add_registers_a_private_key_jwt_agency_and_refuses_a_private_key_or_a_bad_redirect()
    {
        var app = fixture.Require();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        var publicJwk = Path.GetTempFileName();
        var privateJwk = Path.GetTempFileName();
        await File.WriteAllTextAsync(publicJwk, JsonSerializer.Serialize(new { kty = "EC", crv = jwk.Crv, x = jwk.X, y = jwk.Y }));
        await File.WriteAllTextAsync(privateJwk, JsonSerializer.Serialize(new { kty = "EC", crv = jwk.Crv, x = jwk.X, y = jwk.Y, d = jwk.D }));
        var id = "vn-gov-" + Guid.NewGuid().ToString("N")[..8];

        var added = await app.RunDinhAsync("clients", "add", "--client-id", id, "--name", "Bộ Y tế", "--auth", "private_key_jwt",
            "--jwks-file", publicJwk, "--grant", "client_credentials", "--scope", "registry.read");
        var withPrivate = await app.RunDinhAsync("clients", "add", "--client-id", id + "-p", "--name", "x", "--auth", "private_key_jwt",
            "--jwks-file", privateJwk, "--grant", "client_credentials");
        var badRedirect = await app.RunDinhAsync("clients", "add", "--client-id", id + "-r", "--name", "x", "--auth", "client_secret_basic",
            "--redirect-uri", "http://evil.example/cb");
        var listed = await app.RunDinhAsync("clients", "list");

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal(2, withPrivate.ExitCode);
        Assert.Equal(2, badRedirect.ExitCode);
        Assert.Contains(id, listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task dinh_keys_rotate_publishes_the_next_key_before_it_signs()
    {
        var app = fixture.Require();
        using var http = app.CreateClient();
        var before = await EcKeyIdsAsync(http);

        var rotated = await app.RunDinhAsync("keys", "rotate", "--publish-minutes", "30");
        Assert.True(rotated.ExitCode == 0, rotated.Error);

        // Every instance re-reads the key set within 15 seconds.
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(40);
        IReadOnlyList<string> after;
        do
        {
            await Task.Delay(1000);
            after = await EcKeyIdsAsync(http);
        }
        while (after.Count <= before.Count && TimeProvider.System.GetUtcNow() < deadline);
        Assert.True(after.Count > before.Count, $"JWKS still has {after.Count} EC keys");
        Assert.Superset(before.ToHashSet(), after.ToHashSet());
    }

    [Fact]
    public async Task An_RS256_client_gets_RS256_tokens_and_prompt_login_asks_for_the_password_again()
    {
        var app = fixture.Require();
        var clientId = "rs-" + Guid.NewGuid().ToString("N")[..8];
        var added = await app.RunDinhAsync("clients", "add", "--client-id", clientId, "--name", "RS client", "--auth", "client_secret_post",
            "--redirect-uri", "http://localhost:5091/cb", "--scope", "openid", "profile", "--alg", "RS256");
        Assert.True(added.ExitCode == 0, added.Error);
        var secret = added.Output.Split("store it now): ")[1].Trim();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var client = new OidcClient(new OidcClientOptions
        {
            Authority = app.BaseAddress.ToString().TrimEnd('/'), ClientId = clientId, ClientSecret = secret, RedirectUri = "http://localhost:5091/cb",
            Scope = "openid profile", Policy = new Policy { Discovery = new Duende.IdentityModel.Client.DiscoveryPolicy { RequireHttps = false } },
        });
        var browser = new CountingBrowser(app, citizen.Number, citizen.Password);
        client.Options.Browser = browser;

        var first = await client.LoginAsync();
        var again = await client.LoginAsync(new LoginRequest { FrontChannelExtraParameters = new() { { "prompt", "login" } } });

        Assert.False(first.IsError, first.Error);
        Assert.Equal("RS256", new JsonWebToken(first.IdentityToken).Alg);
        Assert.False(again.IsError, again.Error);
        Assert.Equal(2, browser.PasswordsTyped);
    }

    [Fact]
    public async Task An_administrator_registers_a_client_on_the_page_and_sees_its_secret_once_and_officers_cannot()
    {
        var app = fixture.Require();
        using var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin);
        using var officer = await AccountsDriver.SignInStaffAsync(app, Dinh.Tests.Registry.RegistryDriver.CivilStatusBaDinh);
        var id = "page-" + Guid.NewGuid().ToString("N")[..8];
        var token = await DinhApp.GetAntiforgeryTokenAsync(admin, "/admin/clients");

        using var response = await admin.PostAsync("/admin/clients", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["clientId"] = id, ["name"] = "Cổng dịch vụ công tỉnh", ["authentication"] = "client_secret_basic", ["grants"] = "authorization_code",
            ["scopes"] = "profile", ["redirectUris"] = "https://dvc.example.gov.vn/signin-oidc", ["minimumLevel"] = "2", ["algorithm"] = "ES256",
            ["__RequestVerificationToken"] = token,
        }));
        var html = await response.Content.ReadAsStringAsync();
        using var forbidden = await officer.GetAsync("/admin/clients");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"client-secret\"", html, StringComparison.Ordinal);
        Assert.Contains(id, await admin.GetStringAsync("/admin/clients"), StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"client-secret\"", await admin.GetStringAsync("/admin/clients"), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, forbidden.StatusCode);
    }

    private static async Task<IReadOnlyList<string>> EcKeyIdsAsync(HttpClient http)
    {
        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks"));
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Where(k => k.GetProperty("kty").GetString() == "EC")
            .Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    /// <summary>Signs in with a password whenever Dinh shows its login form, consents, and counts the passwords typed.</summary>
    private sealed class CountingBrowser(DinhApp app, string login, string password) : Duende.IdentityModel.OidcClient.Browser.IBrowser
    {
        private readonly CookieContainer _cookies = new();

        public int PasswordsTyped { get; private set; }

        public async Task<Duende.IdentityModel.OidcClient.Browser.BrowserResult> InvokeAsync(
            Duende.IdentityModel.OidcClient.Browser.BrowserOptions options, CancellationToken cancellationToken = default)
        {
            using var http = app.CreateClient(cookies: _cookies);
            var url = options.StartUrl;
            for (var hops = 0; hops < 12; hops++)
            {
                if (url.StartsWith(options.EndUrl, StringComparison.Ordinal))
                {
                    return new() { ResultType = Duende.IdentityModel.OidcClient.Browser.BrowserResultType.Success, Response = url };
                }
                using var response = await http.GetAsync(url, cancellationToken);
                var html = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.Redirect)
                {
                    url = new Uri(new Uri(url), response.Headers.Location!).ToString();
                    continue;
                }
                if (html.Contains("name=\"Login\"", StringComparison.Ordinal))
                {
                    var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
                    using var posted = await AccountsDriver.PostLoginAsync(http, login, password, returnUrl: query["returnUrl"] ?? query["ReturnUrl"]);
                    PasswordsTyped++;
                    url = new Uri(new Uri(url), posted.Headers.Location!).ToString();
                    continue;
                }
                if (html.Contains("value=\"accept\"", StringComparison.Ordinal))
                {
                    var fields = System.Text.RegularExpressions.Regex.Matches(html, "<input[^>]*type=\"hidden\"[^>]*>").Select(m => m.Value)
                        .Select(i => (Name: System.Text.RegularExpressions.Regex.Match(i, "name=\"([^\"]*)\"").Groups[1].Value,
                            Value: WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(i, "value=\"([^\"]*)\"").Groups[1].Value)))
                        .Where(f => f.Name != "returnUrl").DistinctBy(f => f.Name).ToDictionary(f => f.Name, f => f.Value);
                    fields["decision"] = "accept";
                    using var consent = await http.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields), cancellationToken);
                    url = new Uri(new Uri(url), consent.Headers.Location!).ToString();
                    continue;
                }
                return new() { ResultType = Duende.IdentityModel.OidcClient.Browser.BrowserResultType.UnknownError, Error = $"{(int)response.StatusCode} at {url}" };
            }
            return new() { ResultType = Duende.IdentityModel.OidcClient.Browser.BrowserResultType.UnknownError, Error = "too many hops" };
        }
    }

    [Fact]
    public async Task Pruning_deletes_spent_tokens_and_expired_codes_a_day_later_and_keeps_the_rest()
    {
        var app = fixture.Require();
        var now = TimeProvider.System.GetUtcNow();
        string spent, live;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            spent = (await tokens.GetIdAsync(await tokens.CreateAsync(new OpenIddictTokenDescriptor
            {
                Type = "urn:dinh:test", Status = OpenIddictConstants.Statuses.Redeemed, Subject = "pruning",
                CreationDate = now.AddDays(-2), ExpirationDate = now.AddDays(-2).AddMinutes(5),
            })))!;
            live = (await tokens.GetIdAsync(await tokens.CreateAsync(new OpenIddictTokenDescriptor
            {
                Type = "urn:dinh:test", Status = OpenIddictConstants.Statuses.Valid, Subject = "pruning",
                CreationDate = now.AddHours(-2), ExpirationDate = now.AddDays(10),
            })))!;
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            db.OneTimeCodes.AddRange(
                new OneTimeCode { Id = Guid.NewGuid(), Purpose = CodePurpose.Registration, CreatedAt = now.AddDays(-3), ExpiresAt = now.AddDays(-3).AddMinutes(5), Phone = "0900000001" },
                new OneTimeCode { Id = Guid.NewGuid(), Purpose = CodePurpose.Registration, CreatedAt = now, ExpiresAt = now.AddMinutes(5), Phone = "0900000002" });
            await db.SaveChangesAsync();
        }

        var pruned = await app.Factory.Services.GetRequiredService<ProviderPruning>().PruneAsync(now, CancellationToken.None);

        await using var check = app.Factory.Services.CreateAsyncScope();
        var manager = check.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var codes = check.ServiceProvider.GetRequiredService<AccountsDbContext>().OneTimeCodes;
        Assert.True(pruned.Tokens >= 1);
        Assert.True(pruned.OneTimeCodes >= 1);
        Assert.Null(await manager.FindByIdAsync(spent));
        Assert.NotNull(await manager.FindByIdAsync(live));
        Assert.False(await codes.AnyAsync(c => c.Phone == "0900000001"));
        Assert.True(await codes.AnyAsync(c => c.Phone == "0900000002"));
    }
}

public sealed class ProviderAdministrationTestsOnSqlite(SqliteApp app) : ProviderAdministrationTests(app), IClassFixture<SqliteApp>;

public sealed class ProviderAdministrationTestsOnPostgres(PostgresApp app) : ProviderAdministrationTests(app), IClassFixture<PostgresApp>;
