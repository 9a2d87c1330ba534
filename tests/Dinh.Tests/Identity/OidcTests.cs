using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;
using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Browser;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Dinh.Tests.Identity;

/// <summary>
/// The OpenID provider driven by a certified relying-party library (Duende.IdentityModel.OidcClient): code flow with
/// PKCE, consent, tokens, userinfo, refresh; and the attacks the issue lists, each a test that fails if it succeeds.
/// </summary>
public abstract partial class OidcTests(DinhApp fixture)
{
    private const string RedirectUri = "http://localhost:5090/signin-oidc";

    private OidcClient Client(string scope = "openid profile birthdate offline_access") => new(new OidcClientOptions
    {
        Authority = fixture.Require().BaseAddress.ToString().TrimEnd('/'),
        ClientId = DemoAccounts.SampleClientId,
        ClientSecret = DemoAccounts.SampleClientSecret,
        RedirectUri = RedirectUri,
        Scope = scope,
        Policy = new Policy { Discovery = new Duende.IdentityModel.Client.DiscoveryPolicy { RequireHttps = false } },
        LoadProfile = true,
    });

    [Fact]
    public async Task Code_flow_with_PKCE_consent_userinfo_and_refresh_through_a_certified_client()
    {
        var citizen = await CitizenAccounts.CreateAsync(fixture.Require());
        var browser = new FormBrowser(fixture, citizen.Number, citizen.Password);
        var client = Client();
        client.Options.Browser = browser;

        var result = await client.LoginAsync();

        Assert.False(result.IsError, result.Error + " " + result.ErrorDescription);
        Assert.True(browser.SawConsent);
        Assert.Equal(citizen.Name, result.User.FindFirst("name")?.Value);
        Assert.Equal("1990-05-01", result.User.FindFirst("birthdate")?.Value);
        var idToken = new JsonWebToken(result.IdentityToken);
        Assert.Equal("ES256", idToken.Alg);
        Assert.Equal("urn:dinh:loa:1", idToken.Claims.First(c => c.Type == "acr").Value);
        Assert.Contains(idToken.Claims, c => c.Type == "amr" && c.Value == "pwd");
        // Pairwise: the subject is neither the account id nor the ID number.
        Assert.NotEqual(citizen.AccountId.ToString(), idToken.Subject);
        Assert.DoesNotContain(citizen.Number, result.AccessToken, StringComparison.Ordinal);
        Assert.DoesNotContain(citizen.Number, result.IdentityToken, StringComparison.Ordinal);

        var refreshed = await client.RefreshTokenAsync(result.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.NotEqual(result.RefreshToken, refreshed.RefreshToken);

        // The second login remembers the consent.
        var again = new FormBrowser(fixture, citizen.Number, citizen.Password);
        var second = Client();
        second.Options.Browser = again;
        var secondResult = await second.LoginAsync();
        Assert.False(secondResult.IsError, secondResult.Error);
        Assert.False(again.SawConsent);
        Assert.Equal(idToken.Subject, new JsonWebToken(secondResult.IdentityToken).Subject);

        // prompt=consent asks again although the consent is remembered.
        var asked = new FormBrowser(fixture, citizen.Number, citizen.Password);
        var third = Client();
        third.Options.Browser = asked;
        var thirdResult = await third.LoginAsync(new LoginRequest { FrontChannelExtraParameters = new() { { "prompt", "consent" } } });
        Assert.False(thirdResult.IsError, thirdResult.Error);
        Assert.True(asked.SawConsent);
    }

    [Fact]
    public async Task A_reused_refresh_token_is_refused_and_revokes_the_chain()
    {
        var citizen = await CitizenAccounts.CreateAsync(fixture.Require());
        var client = Client();
        client.Options.Browser = new FormBrowser(fixture, citizen.Number, citizen.Password);
        var result = await client.LoginAsync();
        Assert.False(result.IsError, result.Error);

        var first = await client.RefreshTokenAsync(result.RefreshToken);
        var replay = await client.RefreshTokenAsync(result.RefreshToken);
        var afterReplay = await client.RefreshTokenAsync(first.RefreshToken);

        Assert.False(first.IsError, first.Error);
        Assert.True(replay.IsError);
        Assert.Equal("invalid_grant", replay.Error);
        Assert.True(afterReplay.IsError, "the token issued before the reuse must be revoked too");
    }

    [Fact]
    public async Task A_level_1_user_at_a_level_2_request_is_told_how_to_get_level_2()
    {
        var citizen = await CitizenAccounts.CreateAsync(fixture.Require());
        var browser = new FormBrowser(fixture, citizen.Number, citizen.Password) { StopAtLevelPage = true };
        var client = Client();
        client.Options.Browser = browser;

        var result = await client.LoginAsync(new LoginRequest { FrontChannelExtraParameters = new() { { "acr_values", "urn:dinh:loa:2" } } });

        Assert.True(result.IsError);
        Assert.True(browser.SawLevelPage);
    }

    [Fact]
    public async Task Discovery_offers_S256_only_pairwise_subjects_and_the_two_levels()
    {
        using var http = fixture.Require().CreateClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        var root = doc.RootElement;

        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["pairwise"], root.GetProperty("subject_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("urn:dinh:loa:2", root.GetProperty("acr_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("private_key_jwt", root.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(root.GetProperty("jwks_uri").GetString()));
        Assert.Contains(jwks.RootElement.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kty").GetString() == "EC");
    }

    /// <summary>
    /// A browser made of HTTP requests: follows redirects inside Dinh, fills the login form, accepts consent, and
    /// stops at the client's redirect URI.
    /// </summary>
    private sealed partial class FormBrowser(DinhApp app, string login, string password) : IBrowser
    {
        public bool SawConsent { get; private set; }
        public bool SawLevelPage { get; private set; }
        public bool StopAtLevelPage { get; init; }

        public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
        {
            using var http = app.CreateClient(cookies: new CookieContainer());
            var url = options.StartUrl;
            HttpResponseMessage? response = null;
            for (var hops = 0; hops < 12; hops++)
            {
                if (url.StartsWith(options.EndUrl, StringComparison.Ordinal))
                {
                    return new BrowserResult { ResultType = BrowserResultType.Success, Response = url };
                }
                response = await http.GetAsync(url, cancellationToken);
                var html = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.Redirect)
                {
                    url = new Uri(new Uri(url), response.Headers.Location!).ToString();
                    continue;
                }
                if (html.Contains("name=\"Login\"", StringComparison.Ordinal))
                {
                    var path = new Uri(url).PathAndQuery;
                    var returnUrl = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["ReturnUrl"] ?? System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["returnUrl"];
                    using var posted = await AccountsDriver.PostLoginAsync(http, login, password, returnUrl: returnUrl);
                    Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
                    url = new Uri(new Uri(url), posted.Headers.Location!).ToString();
                    _ = path;
                    continue;
                }
                if (html.Contains("name=\"decision\" value=\"accept\"", StringComparison.Ordinal) || html.Contains("name=\"decision\" value=\"cancel\"", StringComparison.Ordinal))
                {
                    var cancel = html.Contains("value=\"cancel\"", StringComparison.Ordinal);
                    SawConsent |= !cancel;
                    SawLevelPage |= cancel;
                    var fields = Hidden().Matches(html).Select(m => m.Value).DistinctBy(i => Attribute("name", i))
                        .Where(i => Attribute("name", i) != "returnUrl")
                        .ToDictionary(i => WebUtility.HtmlDecode(Attribute("name", i)), i => WebUtility.HtmlDecode(Attribute("value", i)));
                    fields["decision"] = cancel ? "cancel" : "accept";
                    using var consent = await http.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields), cancellationToken);
                    if (consent.StatusCode != HttpStatusCode.Redirect)
                    {
                        return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"consent answered {(int)consent.StatusCode} " + string.Join("\n", app.Logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).TakeLast(1).Select(l => l[..Math.Min(l.Length, 900)])) };
                    }
                    url = new Uri(new Uri(url), consent.Headers.Location!).ToString();
                    continue;
                }
                return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"{(int)response.StatusCode} at {url}: {html[..Math.Min(html.Length, 300)]}" };
            }
            return new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = "too many redirects" };
        }

        private static string Attribute(string name, string input) =>
            Regex.Match(input, $"{name}=\"([^\"]*)\"", RegexOptions.None, TimeSpan.FromSeconds(1)).Groups[1].Value;

        [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
        private static partial Regex Hidden();
    }
}

public sealed class OidcTestsOnSqlite(SqliteApp app) : OidcTests(app), IClassFixture<SqliteApp>;

public sealed class OidcTestsOnPostgres(PostgresApp app) : OidcTests(app), IClassFixture<PostgresApp>;
