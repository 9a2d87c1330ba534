using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Dinh.Exchange.Members;
using Dinh.Platform.Auditing;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Exchange;

/// <summary>
/// Members authenticating with mutual TLS behind a TLS-terminating gateway (RFC 8705 self_signed_tls_client_auth):
/// the gateway forwards the client certificate in a header, which Dinh reads only from configured gateway addresses.
/// The tests' connections come from loopback, so "a trusted gateway" is an instance trusting 127.0.0.0/8 and "anyone
/// else" an instance trusting only 10.20.0.0/16.
/// </summary>
public abstract class MutualTlsTests(DinhApp fixture)
{
    private const string Purpose = "social-insurance-enrolment";
    private const string Header = "X-Client-Cert";
    private const string Issuer = "http://dinh.test/";

    [Fact]
    public async Task A_member_registered_with_its_certificate_gets_a_token_through_a_trusted_gateway_and_looks_up_a_person()
    {
        var app = fixture.Require();
        using var certificate = SelfSigned("CN=sim.viettel.test, O=Viettel");
        var identifier = await AddMemberAsync(app, certificate);
        var citizen = await CitizenAccounts.CreateAsync(app);
        await GrantAsync(app, identifier);
        var (gateway, address) = await app.StartInstanceAsync(settings: Enabled("127.0.0.0/8", "::1"));
        try
        {
            using var http = app.CreateClient(address);
            var (metadata, token) = (await DiscoveryAsync(http), await TokenAsync(http, identifier, certificate));
            Assert.Contains("self_signed_tls_client_auth", metadata);
            Assert.True(token.Status == HttpStatusCode.OK, token.Body.ToString());

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Body.GetProperty("access_token").GetString());
            http.DefaultRequestHeaders.Add("Dinh-Purpose", Purpose);
            http.DefaultRequestHeaders.Add("Dinh-Case-Reference", "BHXH-MTLS-1");
            var (lookup, body) = await ExchangeDriver.GetAsync(http, $"/api/exchange/persons/{citizen.Number}");

            Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
            Assert.Equal(citizen.Name, body.GetProperty("fullName").GetString());
            var (log, _) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
            Assert.Equal((identifier, "BHXH-MTLS-1"), (Assert.Single(log).MemberIdentifier, log[0].CaseReference));
            await using var scope = app.Factory.Services.CreateAsyncScope();
            var added = await scope.ServiceProvider.GetRequiredService<Dinh.Exchange.Persistence.ExchangeDbContext>().Set<AuditRecord>().AsNoTracking()
                .SingleAsync(r => r.Action == "exchange.member.added" && r.Subject == $"member:{identifier}");
            Assert.Contains("self_signed_tls_client_auth", added.Details, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopInstanceAsync(gateway);
        }
    }

    [Fact]
    public async Task A_member_with_an_EC_P256_certificate_gets_a_token_and_another_EC_certificate_is_invalid_client()
    {
        var app = fixture.Require();
        using var certificate = SelfSignedElliptic("CN=sim.vinaphone.test, O=VinaPhone", ECCurve.NamedCurves.nistP256);
        using var impostor = SelfSignedElliptic("CN=sim.vinaphone.test, O=VinaPhone", ECCurve.NamedCurves.nistP256);
        var identifier = await AddMemberAsync(app, certificate);

        await OnlyTheFirstGetsATokenAsync(app, identifier, Enabled("127.0.0.0/8", "::1"), certificate, impostor);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        var keys = await applications.GetJsonWebKeySetAsync((await applications.FindByClientIdAsync(identifier))!);
        // Stored under its true key type, with the certificate.
        var key = Assert.Single(keys!.Keys);
        Assert.Equal(("EC", "P-256", 1), (key.Kty, key.Crv, key.X5c.Count));
    }

    [Fact]
    public async Task An_administrator_replaces_a_members_certificate_then_switches_it_to_private_key_jwt_on_its_page_and_both_are_audited()
    {
        var app = fixture.Require();
        using var first = SelfSigned("CN=sim.gmobile.test, O=Gmobile");
        using var second = SelfSignedElliptic("CN=sim.gmobile.test, O=Gmobile", ECCurve.NamedCurves.nistP256);
        var identifier = await AddMemberAsync(app, first);
        var path = await AuthenticationPageAsync(app, identifier);
        using var admin = await AccountsDriver.SignInStaffAsync(app, Dinh.Identity.Seeding.DemoAccounts.AdministratorLogin);
        Task<HttpResponseMessage> PostAsync(string handler, string field, string value) => PostFormAsync(admin, path, handler, field, value);

        var before = await admin.GetStringAsync(new Uri(path, UriKind.Relative));
        using var replaced = await PostAsync("certificate", "certificate", second.ExportCertificatePem());
        var afterCertificate = await admin.GetStringAsync(new Uri(path, UriKind.Relative));
        using var withPrivateKey = await PostAsync("certificate", "certificate", first.ExportCertificatePem() + "\n" + first.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var refusedPage = await withPrivateKey.Content.ReadAsStringAsync();
        using var stranger = await admin.GetAsync(new Uri($"/admin/exchange/members/{Guid.NewGuid()}/authentication", UriKind.Relative));

        Assert.Contains(first.GetCertHashString(HashAlgorithmName.SHA256), before, StringComparison.Ordinal);
        Assert.Contains("self_signed_tls_client_auth", before, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, replaced.StatusCode);
        Assert.Contains(second.GetCertHashString(HashAlgorithmName.SHA256), afterCertificate, StringComparison.Ordinal);
        Assert.DoesNotContain(first.GetCertHashString(HashAlgorithmName.SHA256), afterCertificate, StringComparison.Ordinal);
        Assert.Contains(second.NotAfter.ToUniversalTime().AddHours(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), afterCertificate,
            StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, withPrivateKey.StatusCode);
        Assert.Contains("Tệp có chứa khóa bí mật", refusedPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);

        await OnlyTheFirstGetsATokenAsync(app, identifier, Enabled("127.0.0.0/8", "::1"), second, first);

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(publicOnly) { KeyId = "k1" });
        using var switched = await PostAsync("keys", "jwks", JsonSerializer.Serialize(jwk));
        var afterSwitch = await admin.GetStringAsync(new Uri(path, UriKind.Relative));
        using var member = new TestMember(app, identifier, key);

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Contains("private_key_jwt", afterSwitch, StringComparison.Ordinal);
        Assert.DoesNotContain(second.GetCertHashString(HashAlgorithmName.SHA256), afterSwitch, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(await member.TokenAsync()));
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var changes = await scope.ServiceProvider.GetRequiredService<Dinh.Exchange.Persistence.ExchangeDbContext>().Set<AuditRecord>().AsNoTracking()
                .Where(r => r.Action == "exchange.member.authentication.changed" && r.Subject == $"member:{identifier}").OrderBy(r => r.Id).ToListAsync();
            Assert.Equal(2, changes.Count);
            Assert.All(changes, c => Assert.StartsWith("account:", c.Actor, StringComparison.Ordinal));
            Assert.Contains($"sha256:{first.GetCertHashString(HashAlgorithmName.SHA256)}", changes[0].Details, StringComparison.Ordinal);
            Assert.Contains($"sha256:{second.GetCertHashString(HashAlgorithmName.SHA256)}", changes[0].Details, StringComparison.Ordinal);
            Assert.Contains("\"private_key_jwt\"", changes[1].Details, StringComparison.Ordinal);
            Assert.Contains("kid:k1", changes[1].Details, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_member_registered_by_subject_gets_a_token_only_with_a_certificate_of_the_configured_CA_carrying_that_subject()
    {
        var app = fixture.Require();
        using var authority = Authority("CN=Dinh Test Member CA, O=Bo Cong an, C=VN");
        using var otherAuthority = Authority("CN=Some Other CA, C=VN");
        var subject = $"CN=sim-{Guid.NewGuid().ToString("N")[..6]}, O=Viettel, C=VN";
        using var issued = IssuedBy(authority, subject);
        using var foreign = IssuedBy(otherAuthority, subject);
        using var otherSubject = IssuedBy(authority, "CN=someone-else, O=Viettel, C=VN");
        var identifier = $"VN/COM/PKI{Guid.NewGuid().ToString("N")[..6]}/sys";
        var noSubject = await app.RunDinhAsync("members", "add", identifier, "--name", "Viettel", "--auth", "tls_client_auth");
        var added = await app.RunDinhAsync("members", "add", identifier, "--name", "Viettel", "--auth", "tls_client_auth", "--subject", subject);
        Assert.Equal(2, noSubject.ExitCode);
        Assert.Contains("Refused (subject)", noSubject.Error, StringComparison.Ordinal);
        Assert.True(added.ExitCode == 0, added.Error);

        var settings = Enabled("127.0.0.0/8", "::1");
        settings["Dinh:Http:ClientCertificates:CertificateAuthorities:0"] = await PemFileAsync(authority);
        using (var http = app.CreateClient())
        {
            // Off on an instance without CAs configured.
            Assert.DoesNotContain("tls_client_auth", await DiscoveryAsync(http));
        }
        await OnlyTheFirstGetsATokenAsync(app, identifier, settings, issued, foreign, otherSubject);

        // The administrator moves the member to the other subject on its page; a new instance (no cached client) honours it.
        var path = await AuthenticationPageAsync(app, identifier);
        using var admin = await AccountsDriver.SignInStaffAsync(app, Dinh.Identity.Seeding.DemoAccounts.AdministratorLogin);
        Task<HttpResponseMessage> SubjectAsync(string value) => PostFormAsync(admin, path, "subject", "subject", value);
        var page = await admin.GetStringAsync(new Uri(path, UriKind.Relative));
        using var notADn = await SubjectAsync("not a distinguished name");
        using var moved = await SubjectAsync("CN=someone-else, O=Viettel, C=VN");
        Assert.Contains("tls_client_auth", page, StringComparison.Ordinal);
        Assert.Contains(subject, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notADn.StatusCode);
        Assert.Contains("Đây không phải tên phân biệt", await notADn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        await OnlyTheFirstGetsATokenAsync(app, identifier, settings, otherSubject, issued);
    }

    /// <summary>
    /// Through a trusted gateway instance started now (so no client of an earlier state is cached in it): the first
    /// certificate gets a token, each other one is `401 invalid_client`; mutual TLS is advertised in discovery.
    /// </summary>
    private static async Task OnlyTheFirstGetsATokenAsync(DinhApp app, string identifier, Dictionary<string, string?> settings, X509Certificate2 right,
        params X509Certificate2[] wrong)
    {
        var (gateway, address) = await app.StartInstanceAsync(settings: settings);
        try
        {
            using var http = app.CreateClient(address);
            var metadata = await DiscoveryAsync(http);
            var accepted = await TokenAsync(http, identifier, right);
            Assert.True(accepted.Status == HttpStatusCode.OK, accepted.Body.ToString());
            Assert.Contains("self_signed_tls_client_auth", metadata);
            Assert.Equal(settings.Keys.Any(k => k.Contains("CertificateAuthorities", StringComparison.Ordinal)), metadata.Contains("tls_client_auth"));
            foreach (var certificate in wrong)
            {
                var refused = await TokenAsync(http, identifier, certificate);
                Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (refused.Status, refused.Body.GetProperty("error").GetString()));
            }
        }
        finally
        {
            await app.StopInstanceAsync(gateway);
        }
    }

    /// <summary>The administration page of a member's authentication.</summary>
    private static async Task<string> AuthenticationPageAsync(DinhApp app, string identifier)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var memberId = await scope.ServiceProvider.GetRequiredService<Dinh.Exchange.Persistence.ExchangeDbContext>().Members
            .Where(m => m.Identifier == identifier).Select(m => m.Id).SingleAsync();
        return $"/admin/exchange/members/{memberId}/authentication";
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, string handler, string field, string value) =>
        await browser.PostAsync(new Uri($"{path}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field] = value, ["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(browser, path),
        }));

    /// <summary>A certification authority's self-signed root, as a ministry's member CA would be.</summary>
    private static X509Certificate2 Authority(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }

    /// <summary>A member's client certificate issued by <paramref name="authority"/>.</summary>
    private static X509Certificate2 IssuedBy(X509Certificate2 authority, string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = TimeProvider.System.GetUtcNow();
        return request.Create(authority, now.AddMinutes(-5), now.AddYears(1), Guid.NewGuid().ToByteArray()[..8]);
    }

    [Fact]
    public async Task A_wrong_certificate_is_invalid_client_and_a_missing_or_unreadable_one_or_a_header_from_an_untrusted_address_counts_as_no_credentials()
    {
        var app = fixture.Require();
        using var certificate = SelfSigned("CN=sim.mobifone.test, O=MobiFone");
        using var impostor = SelfSigned("CN=sim.mobifone.test, O=MobiFone");
        var identifier = await AddMemberAsync(app, certificate);
        var (trusted, trustedAddress) = await app.StartInstanceAsync(settings: Enabled("127.0.0.0/8", "::1"));
        var (untrusted, untrustedAddress) = await app.StartInstanceAsync(settings: Enabled("10.20.0.0/16"));
        try
        {
            using var viaGateway = app.CreateClient(trustedAddress);
            using var direct = app.CreateClient(untrustedAddress);

            var wrong = await TokenAsync(viaGateway, identifier, impostor);
            var missing = await TokenAsync(viaGateway, identifier, certificate: null);
            var garbage = await TokenAsync(viaGateway, identifier, certificate: null, header: "not a certificate");
            var spoofed = await TokenAsync(direct, identifier, certificate);
            var right = await TokenAsync(viaGateway, identifier, certificate);

            // A certificate that is not the member's: RFC 6749's invalid_client, 401.
            Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (wrong.Status, wrong.Body.GetProperty("error").GetString()));
            // No usable certificate reached the provider: a request without client credentials, refused as such.
            foreach (var refused in new[] { missing, garbage, spoofed })
            {
                Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (refused.Status, refused.Body.GetProperty("error").GetString()));
                Assert.Contains("client_assertion", refused.Body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
            }
            // The same certificate through the trusted gateway works: the refusals above are the certificate's and the address's.
            Assert.Equal(HttpStatusCode.OK, right.Status);
        }
        finally
        {
            await app.StopInstanceAsync(trusted);
            await app.StopInstanceAsync(untrusted);
        }
    }

    [Fact]
    public async Task Off_by_default_the_method_is_not_advertised_and_a_forwarded_certificate_is_ignored()
    {
        var app = fixture.Require();
        using var certificate = SelfSigned("CN=ekyc.bank.test, O=Bank");
        var identifier = await AddMemberAsync(app, certificate);
        using var http = app.CreateClient();

        var metadata = await DiscoveryAsync(http);
        var token = await TokenAsync(http, identifier, certificate);

        Assert.DoesNotContain("self_signed_tls_client_auth", metadata);
        Assert.Contains("private_key_jwt", metadata);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (token.Status, token.Body.GetProperty("error").GetString()));
        Assert.Contains("client_assertion", token.Body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task dinh_members_add_refuses_a_certificate_not_for_client_authentication_with_its_private_key_or_on_a_curve_other_than_NIST()
    {
        var app = fixture.Require();
        using var serverOnly = SelfSigned("CN=web.test", usage: "1.3.6.1.5.5.7.3.1");
        using var certificate = SelfSigned("CN=sim.vnpt.test");
        var withKey = Path.GetTempFileName();
        await File.WriteAllTextAsync(withKey, certificate.ExportCertificatePem() + "\n" + certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var usage = await app.RunDinhAsync("members", "add", $"VN/COM/WEB{Guid.NewGuid().ToString("N")[..6]}/sys", "--name", "Web",
            "--auth", "self_signed_tls_client_auth", "--certificate", await PemFileAsync(serverOnly));
        var privateKey = await app.RunDinhAsync("members", "add", $"VN/COM/VNPT{Guid.NewGuid().ToString("N")[..6]}/sys", "--name", "VNPT",
            "--auth", "self_signed_tls_client_auth", "--certificate", withKey);
        using var ec = SelfSignedElliptic("CN=ec.test", ECCurve.NamedCurves.brainpoolP256r1);
        var elliptic = await app.RunDinhAsync("members", "add", $"VN/COM/EC{Guid.NewGuid().ToString("N")[..6]}/sys", "--name", "EC",
            "--auth", "self_signed_tls_client_auth", "--certificate", await PemFileAsync(ec));
        var noFile = await app.RunDinhAsync("members", "add", $"VN/COM/VNPT{Guid.NewGuid().ToString("N")[..6]}/sys", "--name", "VNPT",
            "--auth", "self_signed_tls_client_auth");

        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("Refused (certificate-usage)", usage.Error, StringComparison.Ordinal);
        Assert.Equal(2, privateKey.ExitCode);
        Assert.Contains("Refused (certificate-private)", privateKey.Error, StringComparison.Ordinal);
        Assert.Equal(2, elliptic.ExitCode);
        Assert.Contains("Refused (certificate-algorithm)", elliptic.Error, StringComparison.Ordinal);
        Assert.Equal(2, noFile.ExitCode);
        Assert.Contains("--certificate is required", noFile.Error, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Enabled(params string[] gateways)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Dinh:Http:ClientCertificates:Enabled"] = "true",
            ["Dinh:Http:ClientCertificates:Header"] = Header,
            // OpenIddict allows mutual TLS only with a static issuer.
            ["Dinh:Oidc:Issuer"] = Issuer,
        };
        for (var i = 0; i < gateways.Length; i++)
        {
            settings[$"Dinh:Http:ClientCertificates:TrustedGateways:{i}"] = gateways[i];
        }
        return settings;
    }

    /// <summary>The same with an EC key (`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 …`).</summary>
    internal static X509Certificate2 SelfSignedElliptic(string subject, ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }

    /// <summary>A member system's self-signed client certificate, as `openssl req -x509 … -addext extendedKeyUsage=clientAuth` makes one.</summary>
    internal static X509Certificate2 SelfSigned(string subject, string usage = "1.3.6.1.5.5.7.3.2")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }

    private static async Task<string> PemFileAsync(X509Certificate2 certificate)
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, certificate.ExportCertificatePem());
        return path;
    }

    internal static async Task<string> AddMemberAsync(DinhApp app, X509Certificate2 certificate)
    {
        var identifier = $"VN/COM/TLS{Guid.NewGuid().ToString("N")[..6]}/sys";
        var added = await app.RunDinhAsync("members", "add", identifier, "--name", "Nhà mạng thử nghiệm", "--auth", "self_signed_tls_client_auth",
            "--certificate", await PemFileAsync(certificate));
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256), added.Output, StringComparison.Ordinal);
        return identifier;
    }

    private static async Task GrantAsync(DinhApp app, string identifier)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var (error, _) = await scope.ServiceProvider.GetRequiredService<MemberAdministration>().AddGrantAsync(identifier, Datasets.Person, ["fullName"], [Purpose],
            "Luật Căn cước 2023, Điều 10", consentRequired: false, "system:test", CancellationToken.None);
        Assert.Null(error);
    }

    private static async Task<List<string>> DiscoveryAsync(HttpClient http)
    {
        using var config = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        return [.. config.RootElement.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(m => m.GetString()!)];
    }

    /// <summary>A client-credentials request as the gateway passes it on: the certificate URL-encoded in the header, as nginx's `$ssl_client_escaped_cert`.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(HttpClient http, string identifier, X509Certificate2? certificate,
        string? header = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = identifier, ["scope"] = "exchange",
            }),
        };
        if ((header ?? (certificate is null ? null : Uri.EscapeDataString(certificate.ExportCertificatePem()))) is { } value)
        {
            request.Headers.Add(Header, value);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, text);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}

public sealed class MutualTlsTestsOnSqlite(ExchangeSqliteApp app) : MutualTlsTests(app), IClassFixture<ExchangeSqliteApp>;

public sealed class MutualTlsTestsOnPostgres(ExchangePostgresApp app) : MutualTlsTests(app), IClassFixture<ExchangePostgresApp>;
