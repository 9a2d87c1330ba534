using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Dinh.Identity.Persistence;
using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Tests.Identity;

/// <summary>
/// Attacks on the OpenID provider, driven with raw HTTP where a certified client library would refuse to misbehave.
/// Each test fails if its attack succeeds, and asserts the precise OAuth error.
/// </summary>
public abstract partial class OidcAttackTests(DinhApp fixture)
{
    private const string RedirectUri = "http://localhost:5090/signin-oidc";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    // 1. PKCE at the token endpoint.
    [Fact]
    public async Task OidcAttack_a_code_without_its_verifier_or_with_a_wrong_one_is_refused()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await SignedInAsync(app, citizen);
        var (_, challenge) = Pkce();
        var (wrongVerifier, _) = Pkce();

        var code = await CodeAsync(browser, challenge);
        var (missing, missingBody) = await TokenAsync(app, SampleClient(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri }));
        var code2 = await CodeAsync(browser, challenge);
        var (wrong, wrongBody) = await TokenAsync(app, SampleClient(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code2, ["redirect_uri"] = RedirectUri, ["code_verifier"] = wrongVerifier,
        }));
        var code3 = await CodeAsync(browser, challenge);
        var (challengeAsVerifier, challengeBody) = await TokenAsync(app, SampleClient(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code3, ["redirect_uri"] = RedirectUri, ["code_verifier"] = challenge,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains(Error(missingBody), new[] { Errors.InvalidGrant, Errors.InvalidRequest });
        Assert.False(missingBody.TryGetProperty("access_token", out _));
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal(Errors.InvalidGrant, Error(wrongBody));
        Assert.Equal(HttpStatusCode.BadRequest, challengeAsVerifier);
        Assert.Equal(Errors.InvalidGrant, Error(challengeBody));
    }

    // 2. PKCE at the authorization endpoint.
    [Fact]
    public async Task OidcAttack_plain_code_challenge_or_no_challenge_is_refused_and_no_code_is_issued()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await SignedInAsync(app, citizen);
        var (verifier, _) = Pkce();

        var plain = AuthorizeParameters(verifier);
        plain["code_challenge_method"] = "plain";
        using var plainResponse = await AuthorizeAsync(browser, plain);
        var none = AuthorizeParameters("unused");
        none.Remove("code_challenge");
        none.Remove("code_challenge_method");
        using var noneResponse = await AuthorizeAsync(browser, none);

        // Both are refused before OpenIddict has checked the redirect URI against the client (PKCE is required
        // server-wide), so the error is shown on Dinh's page (400), not sent to the redirect URI; no code is issued.
        foreach (var (response, detail) in new[] { (plainResponse, "code_challenge_method"), (noneResponse, "code_challenge") })
        {
            var page = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Contains("error:invalid_request", page, StringComparison.Ordinal);
            Assert.Contains($"'{detail}'", page, StringComparison.Ordinal);
            Assert.DoesNotContain("code=", page, StringComparison.Ordinal);
        }
    }

    // 3. Redirect URIs that are not registered, exactly.
    [Theory]
    [InlineData("http://localhost:5090/signin-oidc-evil")]
    [InlineData("http://localhost:5090/signin-oidc/evil")]
    [InlineData("http://localhost:5090/other")]
    [InlineData("http://localhost:5091/signin-oidc")]
    [InlineData("https://localhost:5090/signin-oidc")]
    [InlineData("http://evil.example/signin-oidc")]
    [InlineData("http://LOCALHOST:5090/signin-oidc/")]
    [InlineData("http://localhost:5090/signin-oidc?next=https://evil.example")]
    [InlineData("http://localhost:5090/signin-oidc#https://evil.example")]
    [InlineData("http://localhost:5090@evil.example/signin-oidc")]
    [InlineData("http://localhost:5090/signin-oidc/../evil")]
    [InlineData("http://localhost:5090/SIGNIN-OIDC")]
    public async Task OidcAttack_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(string redirect)
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await SignedInAsync(app, citizen);
        var (_, challenge) = Pkce();

        using var response = await AuthorizeAsync(browser, AuthorizeParameters(challenge, redirect));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("code=", page, StringComparison.Ordinal);
    }

    // 4. Authorization code replay.
    [Fact]
    public async Task OidcAttack_a_replayed_code_is_refused_and_revokes_the_tokens_of_the_first_redemption()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await SignedInAsync(app, citizen);
        var (verifier, challenge) = Pkce();
        var code = await CodeAsync(browser, challenge);
        var redeem = SampleClient(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri, ["code_verifier"] = verifier });

        var (first, tokens) = await TokenAsync(app, redeem);
        Assert.Equal(HttpStatusCode.OK, first);
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        Assert.True(await IntrospectAsync(app, access, DemoAccounts.SampleClientId, DemoAccounts.SampleClientSecret), "sanity: the token is active before the replay");

        var (second, replay) = await TokenAsync(app, redeem);
        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.Equal(Errors.InvalidGrant, Error(replay));
        Assert.False(replay.TryGetProperty("access_token", out _));

        Assert.False(await IntrospectAsync(app, access, DemoAccounts.SampleClientId, DemoAccounts.SampleClientSecret), "the access token of the first redemption must be revoked");
        var (refreshed, refreshBody) = await TokenAsync(app, SampleClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh }));
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        Assert.Equal(Errors.InvalidGrant, Error(refreshBody));
        using var userinfo = await UserInfoAsync(app, access);
        Assert.Equal(HttpStatusCode.Unauthorized, userinfo.StatusCode);
    }

    // 5. Client authentication.
    [Fact]
    public async Task OidcAttack_wrong_client_authentication_is_invalid_client()
    {
        var app = fixture.Require();
        var clientB = await RegisterSecretClientAsync(app, "b-secret-" + Guid.NewGuid().ToString("N"));
        var bogusCode = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = "bogus", ["redirect_uri"] = RedirectUri, ["code_verifier"] = Pkce().Verifier,
        };

        var (wrongSecret, wrongSecretBody) = await TokenAsync(app, new(bogusCode) { ["client_id"] = DemoAccounts.SampleClientId, ["client_secret"] = "dinh-sample-secreT" });
        var (unknown, unknownBody) = await TokenAsync(app, new() { ["grant_type"] = "client_credentials", ["client_id"] = "no-such-client", ["client_secret"] = "x" });
        var (crossed, crossedBody) = await TokenAsync(app, new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientB.Id, ["client_secret"] = DemoAccounts.SampleClientSecret,
        });
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientB.Id}:wrong")));
        using var http = app.CreateClient();
        using var basicResponse = await http.SendAsync(basic);
        var (noSecret, noSecretBody) = await TokenAsync(app, new() { ["grant_type"] = "client_credentials", ["client_id"] = clientB.Id });

        // A confidential client with no credential at all is a malformed request (invalid_request), not a wrong one.
        Assert.Equal(HttpStatusCode.BadRequest, noSecret);
        Assert.Equal(Errors.InvalidRequest, Error(noSecretBody));
        Assert.False(noSecretBody.TryGetProperty("access_token", out _));
        foreach (var (status, body) in new[] { (wrongSecret, wrongSecretBody), (unknown, unknownBody), (crossed, crossedBody) })
        {
            Assert.True(status == HttpStatusCode.Unauthorized, $"{(int)status} {body}");
            Assert.Equal(Errors.InvalidClient, Error(body));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, basicResponse.StatusCode);
        Assert.Equal(Errors.InvalidClient, Error(JsonDocument.Parse(await basicResponse.Content.ReadAsStringAsync()).RootElement));
        // Sanity: B's own secret works, so the refusals above are about the secrets.
        var (good, _) = await TokenAsync(app, new() { ["grant_type"] = "client_credentials", ["client_id"] = clientB.Id, ["client_secret"] = clientB.Secret });
        Assert.Equal(HttpStatusCode.OK, good);
    }

    // 6. Introspection by another client.
    [Fact]
    public async Task OidcAttack_client_B_introspecting_client_A_token_sees_it_inactive()
    {
        var app = fixture.Require();
        var clientB = await RegisterSecretClientAsync(app, "b-secret-" + Guid.NewGuid().ToString("N"));
        var tokens = await LoginTokensAsync(app, await CitizenAccounts.CreateAsync(app));
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        Assert.True(await IntrospectAsync(app, access, DemoAccounts.SampleClientId, DemoAccounts.SampleClientSecret), "sanity: A sees its own token active");
        Assert.False(await IntrospectAsync(app, access, clientB.Id, clientB.Secret));
        Assert.False(await IntrospectAsync(app, refresh, clientB.Id, clientB.Secret));
    }

    // 7. Forged tokens: alg none, and HS256 keyed with the provider's public key.
    [Fact]
    public async Task OidcAttack_unsigned_and_public_key_HMAC_tokens_are_refused_at_userinfo_and_introspection()
    {
        var app = fixture.Require();
        var tokens = await LoginTokensAsync(app, await CitizenAccounts.CreateAsync(app));
        var real = tokens.GetProperty("access_token").GetString()!;
        var parts = real.Split('.');
        using var realHeader = JsonDocument.Parse(Base64UrlEncoder.Decode(parts[0]));
        var kid = realHeader.RootElement.TryGetProperty("kid", out var k) ? k.GetString() : null;
        var typ = realHeader.RootElement.TryGetProperty("typ", out var t) ? t.GetString() : "at+jwt";
        var payload = parts[1];

        var forged = new List<(string What, string Token)>
        {
            ("alg none", Unsigned(Header("none", typ, kid), payload, "")),
            ("alg none without signature dot", Header("none", typ, kid) + "." + payload),
            ("alg NONE", Unsigned(Header("NONE", typ, kid), payload, "")),
            ("real signature with alg none", Unsigned(Header("none", typ, kid), payload, parts[2])),
        };
        using var http = app.CreateClient();
        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/.well-known/jwks"));
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            foreach (var (what, secret) in PublicKeyForms(key))
            {
                forged.Add(("HS256 with " + what, Hmac(Header("HS256", typ, key.TryGetProperty("kid", out var kk) ? kk.GetString() : kid), payload, secret)));
            }
        }
        Assert.True(forged.Count > 6, "the JWKS must have given public keys to forge with");

        using (var sanity = await UserInfoAsync(app, real))
        {
            Assert.Equal(HttpStatusCode.OK, sanity.StatusCode);
        }
        foreach (var (what, token) in forged)
        {
            using var userinfo = await UserInfoAsync(app, token);
            Assert.True(userinfo.StatusCode == HttpStatusCode.Unauthorized, $"{what}: userinfo answered {(int)userinfo.StatusCode}");
            Assert.Contains("invalid_token", userinfo.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.False(await IntrospectAsync(app, token, DemoAccounts.SampleClientId, DemoAccounts.SampleClientSecret), what);
        }
    }

    // 8a. A locked account.
    [Fact]
    public async Task OidcAttack_a_locked_account_loses_refresh_and_userinfo()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var tokens = await LoginTokensAsync(app, citizen);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            await db.Accounts.Where(a => a.Id == citizen.AccountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Lock, AccountLock.Police));
        }

        var (refreshed, body) = await TokenAsync(app, SampleClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }));
        using var userinfo = await UserInfoAsync(app, tokens.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        Assert.Equal(Errors.InvalidGrant, Error(body));
        Assert.Equal(HttpStatusCode.Unauthorized, userinfo.StatusCode);
        Assert.Contains("invalid_token", userinfo.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    // 8b. A citizen registered deceased.
    [Fact]
    public async Task OidcAttack_a_deceased_citizen_loses_refresh_userinfo_and_sign_in()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var tokens = await LoginTokensAsync(app, citizen);
        var registry = new RegistryDriver(app);
        using (var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh))
        {
            var record = await RegistryDriver.GetAsync(officer, citizen.CitizenId);
            using var died = await officer.PostAsJsonAsync("/api/registry/events/deaths", new
            {
                citizenId = citizen.CitizenId, version = RegistryDriver.Version(record), dateOfDeath = "2026-01-02",
                purpose = RegistryDriver.Purpose, legalBasis = "Trích lục khai tử KT-OIDC",
            });
            Assert.True(died.IsSuccessStatusCode, await died.Content.ReadAsStringAsync());
        }

        // Refresh first: a sign-in attempt would lock the account and hide whether the token endpoint reads the registry.
        var (refreshed, body) = await TokenAsync(app, SampleClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }));
        using var userinfo = await UserInfoAsync(app, tokens.GetProperty("access_token").GetString()!);
        var cookies = new CookieContainer();
        using var browser = app.CreateClient(cookies: cookies);
        using var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password);

        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        Assert.Equal(Errors.InvalidGrant, Error(body));
        Assert.Equal(HttpStatusCode.Unauthorized, userinfo.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == ".Dinh.Account");
    }

    // 9. User enumeration at the login form.
    [Fact]
    public async Task OidcAttack_unknown_and_known_logins_with_a_wrong_password_look_and_take_the_same()
    {
        var app = fixture.Require();
        const int Attempts = 15;
        var known = new List<TestCitizen>();
        for (var i = 0; i < 4; i++)
        {
            known.Add(await CitizenAccounts.CreateAsync(app));
        }
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        var messages = new HashSet<string>(StringComparer.Ordinal);
        var statuses = new HashSet<HttpStatusCode>();
        // Warm both paths once (JIT, the dummy hash) before measuring.
        await TimedLoginAsync(app, "000000000000", "warm-up");
        for (var i = 0; i < Attempts; i++)
        {
            // ≤ 4 wrong passwords per known account: the fifth would lock it (Identity lockout) and change the answer.
            var (knownStatus, knownMessage, knownMs) = await TimedLoginAsync(app, known[i % known.Count].Number, "sai-mat-khau-" + i);
            var unknownNumber = "0" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture) + "777";
            var (unknownStatus, unknownMessage, unknownMs) = await TimedLoginAsync(app, unknownNumber, "sai-mat-khau-" + i);
            knownTimes.Add(knownMs);
            unknownTimes.Add(unknownMs);
            statuses.Add(knownStatus);
            statuses.Add(unknownStatus);
            messages.Add(knownMessage);
            messages.Add(unknownMessage);
        }

        Assert.Equal([HttpStatusCode.BadRequest], statuses);
        Assert.Single(messages);
        Assert.NotEqual("", messages.Single());
        var knownMedian = Median(knownTimes);
        var unknownMedian = Median(unknownTimes);
        Assert.True(knownMedian < 2 * unknownMedian && unknownMedian < 2 * knownMedian,
            $"median known {knownMedian:F1} ms, unknown {unknownMedian:F1} ms");
    }

    // 10. CSRF on sign-in and on consent.
    [Fact]
    public async Task OidcAttack_login_and_consent_posts_without_antiforgery_are_refused()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);

        // A cross-site login form: the victim's browser has no antiforgery cookie or token for the attacker's post.
        var cookies = new CookieContainer();
        using (var attacker = app.CreateClient(cookies: cookies))
        {
            using var login = await attacker.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Login"] = citizen.Number, ["password"] = citizen.Password, ["code"] = "", ["ReturnUrl"] = "",
            }));
            Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
            Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == ".Dinh.Account");
            // With the antiforgery cookie but no form field.
            _ = await DinhApp.GetAntiforgeryTokenAsync(attacker, "/account/login");
            using var noField = await attacker.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Login"] = citizen.Number, ["password"] = citizen.Password, ["code"] = "", ["ReturnUrl"] = "",
            }));
            Assert.Equal(HttpStatusCode.BadRequest, noField.StatusCode);
            Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == ".Dinh.Account");
        }

        using var browser = await SignedInAsync(app, citizen);
        var (_, challenge) = Pkce();
        var parameters = AuthorizeParameters(challenge);
        using var consent = await browser.GetAsync(AuthorizeUrl(parameters));
        var html = await consent.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("value=\"accept\"", html, StringComparison.Ordinal);
        var fields = HiddenFields(html);
        fields["decision"] = "accept";

        var withoutToken = new Dictionary<string, string>(fields);
        withoutToken.Remove("__RequestVerificationToken");
        using var missing = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(withoutToken));
        var forged = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = "CfDJ8" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(64)) };
        using var garbage = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(forged));
        using var attackerBrowser = await SignedInAsync(app, await CitizenAccounts.CreateAsync(app));
        // The attacker's own valid token, from the attacker's own consent page.
        using var attackerConsent = await attackerBrowser.GetAsync(AuthorizeUrl(AuthorizeParameters(challenge)));
        var attackerToken = HiddenFields(await attackerConsent.Content.ReadAsStringAsync())["__RequestVerificationToken"];
        var foreign = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = attackerToken };
        using var foreignToken = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(foreign));

        foreach (var response in new[] { missing, garbage, foreignToken })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
        }
        // No consent was recorded: the next visit still asks.
        using var again = await browser.GetAsync(AuthorizeUrl(parameters));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("value=\"accept\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // 11. Client credentials with private_key_jwt.
    [Fact]
    public async Task OidcAttack_private_key_jwt_assertions_cannot_be_replayed_or_signed_by_another_key()
    {
        var app = fixture.Require();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientId = await RegisterKeyClientAsync(app, key);
        var issuer = await IssuerAsync(app);

        var assertion = Assertion(clientId, issuer, key);
        var (ok, tokens) = await TokenAsync(app, KeyClient(clientId, assertion));
        Assert.True(ok == HttpStatusCode.OK, tokens.ToString());
        var access = new JsonWebToken(tokens.GetProperty("access_token").GetString());
        Assert.Equal("ES256", access.Alg);
        Assert.Equal(clientId, access.Subject);
        Assert.False(tokens.TryGetProperty("refresh_token", out _));
        Assert.False(tokens.TryGetProperty("id_token", out _));

        var (replayed, replayBody) = await TokenAsync(app, KeyClient(clientId, assertion));
        var (otherSigner, otherBody) = await TokenAsync(app, KeyClient(clientId, Assertion(clientId, issuer, otherKey)));
        var (offline, offlineBody) = await TokenAsync(app, KeyClient(clientId, Assertion(clientId, issuer, key), "registry.read offline_access"));

        Assert.Equal(HttpStatusCode.Unauthorized, replayed);
        Assert.Equal(Errors.InvalidClient, Error(replayBody));
        Assert.Equal(HttpStatusCode.Unauthorized, otherSigner);
        Assert.Equal(Errors.InvalidClient, Error(otherBody));
        // offline_access is not a scope the agency client may ask for: still no refresh token.
        Assert.False(offline == HttpStatusCode.OK && offlineBody.TryGetProperty("refresh_token", out _), offlineBody.ToString());
    }

    // 11b. The replay guard writes assertions in batches: the same assertion sent many times at once, so that copies
    // share a batch, and distinct fresh assertions alongside it, must give exactly one token for the replayed one.
    [Fact]
    public async Task OidcAttack_the_same_assertion_sent_concurrently_gets_exactly_one_token()
    {
        var app = fixture.Require();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientId = await RegisterKeyClientAsync(app, key);
        var issuer = await IssuerAsync(app);
        var assertion = Assertion(clientId, issuer, key);

        var replays = Enumerable.Range(0, 12).Select(_ => TokenAsync(app, KeyClient(clientId, assertion)));
        var fresh = Enumerable.Range(0, 12).Select(_ => TokenAsync(app, KeyClient(clientId, Assertion(clientId, issuer, key))));
        var answers = await Task.WhenAll(replays.Concat(fresh));

        Assert.Equal(1, answers.Take(12).Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Take(12).Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(Errors.InvalidClient, Error(a.Body)));
        Assert.All(answers.Skip(12), a => Assert.True(a.Status == HttpStatusCode.OK, a.Body.ToString()));
    }

    // 11c. client_credentials tokens are issued inside OpenIddict (ADR 0024), without the endpoint: the same token as
    // before (ES256 at+jwt, the client as subject and client_id, the scope asked, 10 minutes), a response that is not
    // cached, with the security headers every other response carries, and an error for a scope the client may not have.
    [Fact]
    public async Task OidcAttack_a_client_credentials_token_is_the_endpoints_token_with_the_usual_headers()
    {
        var app = fixture.Require();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientId = await RegisterKeyClientAsync(app, key);
        var issuer = await IssuerAsync(app);

        using var http = app.CreateClient();
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(KeyClient(clientId, Assertion(clientId, issuer, key))));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var access = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("at+jwt", access.Typ);
        Assert.Equal(issuer, access.Issuer);
        Assert.Equal(clientId, access.Subject);
        Assert.Equal(clientId, access.GetClaim("client_id").Value);
        Assert.Equal("registry.read", access.GetClaim("scope").Value);
        Assert.Equal(TimeSpan.FromMinutes(10), access.ValidTo - access.IssuedAt);

        var (refused, refusedBody) = await TokenAsync(app, KeyClient(clientId, Assertion(clientId, issuer, key), "registry.write"));
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(Errors.InvalidScope, Error(refusedBody));
    }

    [Theory]
    [InlineData("{\"iss\":\"agency-1\",\"sub\":\"agency-1\"}", "agency-1")]
    [InlineData("{\"aud\":{\"iss\":\"nested\"},\"jti\":[1,2],\"iss\":\"after\\u002dnested\"}", "after-nested")]
    [InlineData("{\"sub\":\"no issuer\"}", null)]
    [InlineData("{\"iss\":42}", null)]
    [InlineData("[\"iss\"]", null)]
    [InlineData("not json", null)]
    public void The_unvalidated_issuer_of_an_assertion_is_read_from_its_payload_only(string payload, string? expected)
    {
        static string Part(string text) => Base64UrlEncoder.Encode(text);
        Assert.Equal(expected, ClientAssertionKeys.UnvalidatedIssuer($"{Part("{\"alg\":\"ES256\"}")}.{Part(payload)}.c2ln"));
        Assert.Null(ClientAssertionKeys.UnvalidatedIssuer(Part(payload)));
        Assert.Null(ClientAssertionKeys.UnvalidatedIssuer($"{Part("{}")}.%%%.c2ln"));
    }

    // --- Helpers ---------------------------------------------------------------------------------------------------

    private static async Task<HttpClient> SignedInAsync(DinhApp app, TestCitizen citizen)
    {
        var browser = app.CreateClient(cookies: new CookieContainer());
        using var response = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static Dictionary<string, string> AuthorizeParameters(string challenge, string redirectUri = RedirectUri) => new(StringComparer.Ordinal)
    {
        ["client_id"] = DemoAccounts.SampleClientId,
        ["response_type"] = "code",
        ["redirect_uri"] = redirectUri,
        ["scope"] = "openid profile offline_access",
        ["state"] = Guid.NewGuid().ToString("N"),
        ["nonce"] = Guid.NewGuid().ToString("N"),
        ["code_challenge"] = challenge,
        ["code_challenge_method"] = "S256",
    };

    private static string AuthorizeUrl(Dictionary<string, string> parameters) =>
        "/connect/authorize?" + string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>GET the authorization endpoint; on the consent page, accept it the way the page's form does.</summary>
    private static async Task<HttpResponseMessage> AuthorizeAsync(HttpClient browser, Dictionary<string, string> parameters)
    {
        var response = await browser.GetAsync(AuthorizeUrl(parameters));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return response;
        }
        var html = await response.Content.ReadAsStringAsync();
        if (!html.Contains("name=\"decision\" value=\"accept\"", StringComparison.Ordinal))
        {
            return response;
        }
        response.Dispose();
        var fields = HiddenFields(html);
        fields["decision"] = "accept";
        return await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields));
    }

    private static async Task<string> CodeAsync(HttpClient browser, string challenge)
    {
        using var response = await AuthorizeAsync(browser, AuthorizeParameters(challenge));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var query = RedirectQuery(response);
        return query["code"] ?? throw new InvalidOperationException("no code: " + response.Headers.Location);
    }

    private static System.Collections.Specialized.NameValueCollection RedirectQuery(HttpResponseMessage response)
    {
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", location.ToString(), StringComparison.Ordinal);
        return System.Web.HttpUtility.ParseQueryString(location.Query);
    }

    private static Dictionary<string, string> HiddenFields(string html) =>
        Hidden().Matches(html).Select(m => m.Value).DistinctBy(i => Attribute("name", i))
            .Where(i => Attribute("name", i) != "returnUrl")
            .ToDictionary(i => WebUtility.HtmlDecode(Attribute("name", i)), i => WebUtility.HtmlDecode(Attribute("value", i)), StringComparer.Ordinal);

    private static string Attribute(string name, string input) =>
        Regex.Match(input, $"{name}=\"([^\"]*)\"", RegexOptions.None, TimeSpan.FromSeconds(1)).Groups[1].Value;

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex Hidden();

    [GeneratedRegex("<div class=\"alert alert-error\" role=\"alert\" id=\"login-error\">([^<]*)</div>")]
    private static partial Regex LoginError();

    private static Dictionary<string, string> SampleClient(Dictionary<string, string> form)
    {
        form["client_id"] = DemoAccounts.SampleClientId;
        form["client_secret"] = DemoAccounts.SampleClientSecret;
        return form;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(DinhApp app, Dictionary<string, string> form)
    {
        using var http = app.CreateClient();
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string? Error(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) ? e.GetString() : null;

    private static async Task<bool> IntrospectAsync(DinhApp app, string token, string clientId, string secret)
    {
        using var http = app.CreateClient();
        using var response = await http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"introspection answered {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("active").GetBoolean();
    }

    private static async Task<HttpResponseMessage> UserInfoAsync(DinhApp app, string token)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> LoginTokensAsync(DinhApp app, TestCitizen citizen)
    {
        using var browser = await SignedInAsync(app, citizen);
        var (verifier, challenge) = Pkce();
        var code = await CodeAsync(browser, challenge);
        var (status, tokens) = await TokenAsync(app, SampleClient(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = RedirectUri, ["code_verifier"] = verifier,
        }));
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        return tokens;
    }

    private static async Task<(string Id, string Secret)> RegisterSecretClientAsync(DinhApp app, string secret)
    {
        var clientId = "attack-b-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientSecret = secret, ClientType = ClientTypes.Confidential, DisplayName = "Client B",
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials },
        };
        await applications.CreateAsync(descriptor);
        return (clientId, secret);
    }

    private static async Task<string> RegisterKeyClientAsync(DinhApp app, ECDsa key)
    {
        var clientId = "attack-agency-" + Guid.NewGuid().ToString("N")[..8];
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = clientId + "-key" });
        Assert.Null(jwk.D);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientType = ClientTypes.Confidential, DisplayName = "Agency system",
            JsonWebKeySet = new JsonWebKeySet { Keys = { jwk } },
            Permissions =
            {
                Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + "registry.read",
            },
        };
        await applications.CreateAsync(descriptor);
        return clientId;
    }

    private static async Task<string> IssuerAsync(DinhApp app)
    {
        using var http = app.CreateClient();
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        return doc.RootElement.GetProperty("issuer").GetString()!;
    }

    private static string Assertion(string clientId, string issuer, ECDsa key)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "client-authentication+jwt",
            Issuer = clientId,
            Audience = issuer,
            Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", clientId), new System.Security.Claims.Claim("jti", Guid.NewGuid().ToString("N"))]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = clientId + "-key" }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static Dictionary<string, string> KeyClient(string clientId, string assertion, string scope = "registry.read") => new(StringComparer.Ordinal)
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_assertion_type"] = AssertionType,
        ["client_assertion"] = assertion,
        ["scope"] = scope,
    };

    private static string Header(string alg, string? typ, string? kid)
    {
        var header = new Dictionary<string, string> { ["alg"] = alg };
        if (typ is not null)
        {
            header["typ"] = typ;
        }
        if (kid is not null)
        {
            header["kid"] = kid;
        }
        return Base64UrlEncoder.Encode(JsonSerializer.Serialize(header));
    }

    private static string Unsigned(string header, string payload, string signature) => $"{header}.{payload}.{signature}";

    private static string Hmac(string header, string payload, byte[] secret)
    {
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The ways an attacker might turn a published public key into an HMAC secret.</summary>
    private static IEnumerable<(string What, byte[] Secret)> PublicKeyForms(JsonElement key)
    {
        var json = key.GetRawText();
        yield return ("the JWK JSON", Encoding.UTF8.GetBytes(json));
        byte[] spki;
        if (key.GetProperty("kty").GetString() == "EC")
        {
            var x = Base64UrlEncoder.DecodeBytes(key.GetProperty("x").GetString());
            var y = Base64UrlEncoder.DecodeBytes(key.GetProperty("y").GetString());
            yield return ("the EC point", [0x04, .. x, .. y]);
            yield return ("x", x);
            using var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            spki = ec.ExportSubjectPublicKeyInfo();
        }
        else
        {
            var n = Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString());
            var e = Base64UrlEncoder.DecodeBytes(key.GetProperty("e").GetString());
            yield return ("the RSA modulus", n);
            using var rsa = RSA.Create(new RSAParameters { Modulus = n, Exponent = e });
            spki = rsa.ExportSubjectPublicKeyInfo();
        }
        yield return ("the SubjectPublicKeyInfo DER", spki);
        var pem = PemEncoding.WriteString("PUBLIC KEY", spki);
        yield return ("the PEM", Encoding.ASCII.GetBytes(pem));
        yield return ("the PEM with a newline", Encoding.ASCII.GetBytes(pem + "\n"));
        if (key.TryGetProperty("x5c", out var x5c))
        {
            yield return ("the certificate", Convert.FromBase64String(x5c[0].GetString()!));
        }
    }

    private static async Task<(HttpStatusCode Status, string Message, double Milliseconds)> TimedLoginAsync(DinhApp app, string login, string password)
    {
        using var browser = app.CreateClient(cookies: new CookieContainer());
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/login");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = login, ["password"] = password, ["code"] = "", ["ReturnUrl"] = "", ["__RequestVerificationToken"] = token,
        });
        var started = Stopwatch.GetTimestamp();
        using var response = await browser.PostAsync("/account/login", form);
        var html = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var message = LoginError().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value).Trim() : "";
        return (response.StatusCode, message, elapsed);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

public sealed class OidcAttackTestsOnSqlite(SqliteApp app) : OidcAttackTests(app), IClassFixture<SqliteApp>;

public sealed class OidcAttackTestsOnPostgres(PostgresApp app) : OidcAttackTests(app), IClassFixture<PostgresApp>;
