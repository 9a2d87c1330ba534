using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Dinh.Platform.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Dinh.Identity.Oidc;

/// <summary>
/// RFC 8705 `self_signed_tls_client_auth` for agency systems behind a TLS-terminating gateway (ADR 0014). OpenIddict
/// does the work: it reads the request's client certificate (which the platform takes from the gateway's header, from
/// trusted gateway addresses only), checks it is self-issued and for client authentication, and compares it with the
/// certificates in the client's JSON Web Key Set. Dinh only switches it on and turns a registered certificate into
/// that key set entry.
/// </summary>
internal static class MutualTls
{
    public const string SelfSignedTlsClientAuth = "self_signed_tls_client_auth";
    public const string TlsClientAuth = "tls_client_auth";

    /// <summary>RFC 8705's client metadata: the subject DN a tls_client_auth client's CA-issued certificate must carry.</summary>
    public const string SubjectProperty = "tls_client_auth_subject_dn";

    /// <summary>PEM files of the CAs (roots and intermediates) whose certificates tls_client_auth accepts; none: the method is off.</summary>
    public const string AuthoritiesSetting = ClientCertificateOptions.Section + ":CertificateAuthorities";

    /// <summary>
    /// Off by default: revocation of CA-issued member certificates is the gateway's to check (nginx `ssl_crl`), since Dinh
    /// usually cannot reach the CAs' CRL or OCSP addresses; on, Dinh checks online as well.
    /// </summary>
    public const string RevocationSetting = ClientCertificateOptions.Section + ":CheckRevocationOnline";
    private const string ClientAuthenticationUsage = "1.3.6.1.5.5.7.3.2";

    public static void Configure(OpenIddictServerBuilder server, IConfiguration configuration)
    {
        if (configuration.GetSection(ClientCertificateOptions.Section).Get<ClientCertificateOptions>() is not { Enabled: true })
        {
            return;
        }
        // OpenIddict refuses mutual TLS without a static issuer: the issuer must not follow a request's Host header.
        if (configuration["Dinh:Oidc:Issuer"] is not { Length: > 0 })
        {
            throw new InvalidOperationException(
                $"{ClientCertificateOptions.Section}:Enabled needs Dinh:Oidc:Issuer (env Dinh__Oidc__Issuer), the provider's public address.");
        }
        server.EnableSelfSignedTlsClientAuthentication();
        if (configuration.GetSection(AuthoritiesSetting).Get<string[]>() is { Length: > 0 } files)
        {
            var online = configuration.GetValue(RevocationSetting, false);
            server.EnablePublicKeyInfrastructureTlsClientAuthentication(Authorities(files),
                policy => policy.RevocationMode = online ? X509RevocationMode.Online : X509RevocationMode.NoCheck);
        }
    }

    /// <summary>The configured CA certificates; a missing or unreadable file stops the start with its name.</summary>
    private static X509Certificate2Collection Authorities(IEnumerable<string> files)
    {
        var authorities = new X509Certificate2Collection();
        foreach (var file in files)
        {
            try
            {
                authorities.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"{AuthoritiesSetting}: cannot read a PEM certificate from '{file}' ({e.GetType().Name}).", e);
            }
        }
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"{AuthoritiesSetting}: the files hold no certificate.");
        }
        return authorities;
    }

    /// <summary>A subject DN as the administrator typed it ("CN=…, O=…"), normalised; null when it does not parse.</summary>
    public static string? NormaliseSubject(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 1000)
        {
            return null;
        }
        try
        {
            var name = new X500DistinguishedName(subject.Trim());
            return name.RawData.Length > 2 ? name.Name : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// OpenIddict refuses a confidential client with neither a secret nor a signing key, and a tls_client_auth client
    /// has neither: it gets 256 random bits that are hashed at once and never shown, so no one can authenticate with them.
    /// </summary>
    public static string UnusableSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether a certificate carries exactly this (normalised) subject DN.</summary>
    public static bool HasSubject(X509Certificate2 certificate, string subject) =>
        string.Equals(certificate.SubjectName.Name, subject, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The JSON Web Key Set holding a member's certificate (x5c), or an error key: certificate-invalid (not one PEM
    /// certificate), certificate-private (a private key in the file), certificate-not-self-signed, certificate-usage
    /// (no client-authentication usage), certificate-expired, certificate-algorithm (neither RSA nor EC on a NIST curve).
    /// </summary>
    public static (string? KeySet, string? Error) KeySetFor(string pem, DateTimeOffset now)
    {
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return (null, "certificate-private");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return (null, "certificate-invalid");
        }
        using (certificate)
        {
            if (!certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            {
                return (null, "certificate-not-self-signed");
            }
            var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).ToList();
            if (usages.Count > 0 && !usages.Any(u => u.Value == ClientAuthenticationUsage))
            {
                return (null, "certificate-usage");
            }
            if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime)
            {
                return (null, "certificate-expired");
            }
            // Each key under its true type, with the certificate as x5c: OpenIddict trusts an RSA key's certificate
            // itself, an EC key's through CertificateClientManager.
            JsonWebKey key;
            using (var rsa = certificate.GetRSAPublicKey())
            using (var ec = certificate.GetECDsaPublicKey())
            {
                if (rsa is not null)
                {
                    key = JsonWebKeyConverter.ConvertFromX509SecurityKey(new X509SecurityKey(certificate));
                }
                else if (ec is not null && ec.ExportParameters(false).Curve is { IsNamed: true } curve
                    && curve.Oid.FriendlyName is "nistP256" or "nistP384" or "nistP521" or "ECDSA_P256" or "ECDSA_P384" or "ECDSA_P521")
                {
                    key = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec));
                    key.X5c.Add(Convert.ToBase64String(certificate.RawData));
                    key.X5t = Base64UrlEncoder.Encode(certificate.GetCertHash());
                }
                else
                {
                    return (null, "certificate-algorithm");
                }
            }
            key.Kid = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256));
            key.X5tS256 = key.Kid;
            return (JsonSerializer.Serialize(new { keys = new[] { key } }), null);
        }
    }
}
