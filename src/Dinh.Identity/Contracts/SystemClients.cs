using System.Security.Claims;
using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Contracts;

/// <summary>
/// Agency systems as OAuth clients, for modules that register them (the exchange module's members): a
/// client-credentials client authenticating with private_key_jwt, given only the scopes asked for. Disabling
/// takes away the token endpoint, so no new token is issued; callers must still refuse a disabled system's
/// unexpired tokens themselves.
/// </summary>
public sealed class SystemClients(ClientRegistration registration, IOpenIddictApplicationManager applications, TimeProvider clock)
{
    /// <summary>The scope of the data-exchange API: a token without it is refused there.</summary>
    public const string ExchangeScope = ScopeCatalog.Exchange;

    /// <summary>Null when created, or an error key: client-id, client-exists, jwks-required, jwks-invalid, jwks-private, scope.</summary>
    public async Task<string?> CreateAsync(string clientId, string name, string jsonWebKeys, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var (error, _) = await registration.AddAsync(new ClientRequest(clientId, name, "private_key_jwt", ["client_credentials"], scopes, [], [],
            jsonWebKeys, AssuranceLevel.Level1, null, null, "ES256"), cancellationToken);
        return error;
    }

    /// <summary>
    /// A client-credentials client authenticating with RFC 8705 self_signed_tls_client_auth: its certificate (PEM, no
    /// private key) reaches the token endpoint through a trusted gateway (Dinh:Http:ClientCertificates). Null when
    /// created, or an error key: those of <see cref="CreateAsync"/> and certificate-invalid, certificate-private,
    /// certificate-not-self-signed, certificate-usage, certificate-expired, certificate-algorithm (neither RSA nor EC on a NIST curve).
    /// </summary>
    public async Task<string?> CreateWithCertificateAsync(string clientId, string name, string certificatePem, IReadOnlyList<string> scopes,
        CancellationToken cancellationToken)
    {
        var (keySet, error) = MutualTls.KeySetFor(certificatePem, clock.GetUtcNow());
        if (keySet is null)
        {
            return error;
        }
        (error, _) = await registration.AddAsync(new ClientRequest(clientId, name, MutualTls.SelfSignedTlsClientAuth, ["client_credentials"], scopes, [], [],
            keySet, AssuranceLevel.Level1, null, null, "ES256"), cancellationToken);
        return error;
    }

    /// <summary>
    /// How a system client authenticates: tls_client_auth when a subject DN is registered, else from its key set:
    /// self_signed_tls_client_auth when every key carries its certificate, private_key_jwt otherwise; each key with its certificate's SHA-256 thumbprint, subject and validity.
    /// Null when no such client exists.
    /// </summary>
    public async Task<ClientCredentials?> CredentialsAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return null;
        }
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        if (properties.TryGetValue(MutualTls.SubjectProperty, out var subject) && subject.ValueKind == System.Text.Json.JsonValueKind.String)
        {
            return new ClientCredentials(MutualTls.TlsClientAuth, [], subject.GetString());
        }
        var keys = (await applications.GetJsonWebKeySetAsync(application, cancellationToken))?.Keys ?? [];
        var views = keys.Select(key =>
        {
            if (key.X5c.Count == 0)
            {
                return new ClientKey(key.Kid, key.Kty, key.Crv, null, null, null, null);
            }
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(key.X5c[0]));
            return new ClientKey(key.Kid, key.Kty, key.Crv, certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
                certificate.Subject, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        }).ToList();
        return new ClientCredentials(views.Count > 0 && views.All(k => k.CertificateSha256 is not null) ? MutualTls.SelfSignedTlsClientAuth : "private_key_jwt",
            views);
    }

    /// <summary>
    /// Makes the client authenticate with self_signed_tls_client_auth and this certificate (PEM), replacing its key set
    /// (its previous certificate or public keys). Null when done, or an error key: client, or one of
    /// <see cref="CreateWithCertificateAsync"/>'s certificate keys. Other instances follow within their caches' lifetimes.
    /// </summary>
    public async Task<string?> ReplaceCertificateAsync(string clientId, string certificatePem, CancellationToken cancellationToken)
    {
        var (keySet, error) = MutualTls.KeySetFor(certificatePem, clock.GetUtcNow());
        return keySet is null ? error : await ReplaceKeySetAsync(clientId, ClientRegistration.PublicKeySet(keySet, MutualTls.SelfSignedTlsClientAuth).KeySet!,
            cancellationToken);
    }

    /// <summary>
    /// Makes the client authenticate with private_key_jwt and these public keys (a JWK or a JWK set), replacing its key
    /// set. Null when done, or an error key: client, jwks-required, jwks-invalid, jwks-private.
    /// </summary>
    public async Task<string?> ReplacePublicKeysAsync(string clientId, string jsonWebKeys, CancellationToken cancellationToken)
    {
        var (keySet, error) = ClientRegistration.PublicKeySet(jsonWebKeys, "private_key_jwt");
        return keySet is null ? error : await ReplaceKeySetAsync(clientId, keySet, cancellationToken);
    }

    private Task<string?> ReplaceKeySetAsync(string clientId, Microsoft.IdentityModel.Tokens.JsonWebKeySet keySet, CancellationToken cancellationToken) =>
        UpdateAsync(clientId, descriptor =>
        {
            descriptor.JsonWebKeySet = keySet;
            descriptor.ClientSecret = null;
            descriptor.Properties.Remove(MutualTls.SubjectProperty);
        }, cancellationToken);

    // Through OpenIddict's manager, so this instance's application cache drops the client at once.
    private async Task<string?> UpdateAsync(string clientId, Action<OpenIddictApplicationDescriptor> change, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return "client";
        }
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        change(descriptor);
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        return null;
    }

    /// <summary>
    /// A client-credentials client authenticating with RFC 8705 tls_client_auth: a certificate issued by one of the
    /// configured CAs (Dinh:Http:ClientCertificates:CertificateAuthorities) carrying this subject DN. Null when created,
    /// or an error key: those of <see cref="CreateAsync"/> and subject (not a distinguished name).
    /// </summary>
    public async Task<string?> CreateWithSubjectAsync(string clientId, string name, string subjectDn, IReadOnlyList<string> scopes,
        CancellationToken cancellationToken)
    {
        var (error, _) = await registration.AddAsync(new ClientRequest(clientId, name, MutualTls.TlsClientAuth, ["client_credentials"], scopes, [], [], null,
            AssuranceLevel.Level1, null, null, "ES256", subjectDn), cancellationToken);
        return error;
    }

    /// <summary>
    /// Makes the client authenticate with tls_client_auth and this subject DN, dropping its key set. Null when done, or
    /// an error key: client, subject.
    /// </summary>
    public async Task<string?> ReplaceSubjectAsync(string clientId, string subjectDn, CancellationToken cancellationToken) =>
        MutualTls.NormaliseSubject(subjectDn) is not { } subject ? "subject" : await UpdateAsync(clientId, descriptor =>
        {
            descriptor.JsonWebKeySet = null;
            descriptor.ClientSecret = MutualTls.UnusableSecret();
            descriptor.Properties[MutualTls.SubjectProperty] = System.Text.Json.JsonSerializer.SerializeToElement(subject);
        }, cancellationToken);

    /// <summary>Gives back or takes away the right to obtain tokens; false when no such client exists.</summary>
    public async Task<bool> SetEnabledAsync(string clientId, bool enabled, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return false;
        }
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        if (enabled)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Token);
        }
        else
        {
            descriptor.Permissions.Remove(Permissions.Endpoints.Token);
        }
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        return true;
    }

    /// <summary>
    /// The client id of a valid Dinh access token (signature, lifetime, issuer checked locally) that carries
    /// <paramref name="scope"/>; null for a missing, expired, foreign or under-scoped token.
    /// </summary>
    public static async Task<string?> AuthenticateAsync(HttpContext http, string scope)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } principal || !principal.HasScope(scope))
        {
            return null;
        }
        // Client-credentials tokens carry the client as subject; a citizen's token (authorization code) is not a system.
        var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault();
        var subject = principal.FindFirstValue(Claims.Subject);
        return clientId is not null && subject == clientId ? clientId : null;
    }
}

/// <summary>How a system client authenticates (private_key_jwt or self_signed_tls_client_auth) and with which keys.</summary>
public sealed record ClientCredentials(string Method, IReadOnlyList<ClientKey> Keys, string? SubjectDn = null);

/// <summary>One key of a system client; the certificate's SHA-256 thumbprint (hex), subject and validity when it carries one.</summary>
public sealed record ClientKey(string? KeyId, string KeyType, string? Curve, string? CertificateSha256, string? CertificateSubject,
    DateTimeOffset? CertificateNotBefore, DateTimeOffset? CertificateNotAfter);
