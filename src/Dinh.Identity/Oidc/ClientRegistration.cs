using System.Security.Cryptography;
using Dinh.Identity.Accounts;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Oidc;

public sealed record ClientRequest(string ClientId, string Name, string Authentication, IReadOnlyList<string> Grants, IReadOnlyList<string> Scopes,
    IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutUris, string? JsonWebKeys, AssuranceLevel MinimumLevel,
    string? Logo, string? Sector, string Algorithm, string? SubjectDn = null);

/// <summary>
/// Registers an application, for `dinh clients add` and the administration page alike: redirect URIs must be
/// absolute (https, or http on loopback) and are matched exactly; scopes come from the whitelist; a secret is
/// generated when the method needs one and returned once.
/// </summary>
public sealed class ClientRegistration(IOpenIddictApplicationManager applications)
{
    public async Task<(string? Error, string? Secret)> AddAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clientId = request.ClientId.Trim();
        if (clientId.Length is 0 or > 100 || clientId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            return ("client-id", null);
        }
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not null)
        {
            return ("client-exists", null);
        }
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = request.Name.Trim(),
            ConsentType = ConsentTypes.Explicit,
            ClientType = request.Authentication == "none" ? ClientTypes.Public : ClientTypes.Confidential,
        };
        string? secret = null;
        switch (request.Authentication)
        {
            // self_signed_tls_client_auth: the key set holds the certificate (x5c), which OpenIddict compares with the TLS one.
            case "private_key_jwt" or MutualTls.SelfSignedTlsClientAuth:
                var (keySet, keyError) = PublicKeySet(request.JsonWebKeys, request.Authentication);
                if (keySet is null)
                {
                    return (keyError, null);
                }
                descriptor.JsonWebKeySet = keySet;
                break;
            // tls_client_auth: a CA-issued certificate with this subject DN (RFC 8705 section 2.1.2); no key set, no secret.
            case MutualTls.TlsClientAuth:
                if (MutualTls.NormaliseSubject(request.SubjectDn) is not { } subject)
                {
                    return ("subject", null);
                }
                descriptor.Properties[MutualTls.SubjectProperty] = System.Text.Json.JsonSerializer.SerializeToElement(subject);
                descriptor.ClientSecret = MutualTls.UnusableSecret();
                break;
            case "client_secret_basic" or "client_secret_post":
                secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
                descriptor.ClientSecret = secret;
                break;
            case "none":
                break;
            default:
                return ("auth", null);
        }
        foreach (var grant in request.Grants.DefaultIfEmpty("authorization_code"))
        {
            switch (grant)
            {
                case "authorization_code":
                    descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                        Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code]);
                    descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
                    break;
                case "client_credentials" when request.Authentication != "none":
                    descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
                    break;
                default:
                    return ("grant", null);
            }
        }
        if (request.Authentication != "none")
        {
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation]);
        }
        foreach (var scope in request.Scopes)
        {
            if (scope is not (OpenIddictConstants.Scopes.OpenId or OpenIddictConstants.Scopes.OfflineAccess) && ScopeCatalog.Find(scope) is null && !ScopeCatalog.Agency.Contains(scope))
            {
                return ("scope", null);
            }
            if (scope != OpenIddictConstants.Scopes.OpenId)
            {
                descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
            }
        }
        foreach (var (uris, target) in new[] { (request.RedirectUris, descriptor.RedirectUris), (request.PostLogoutUris, descriptor.PostLogoutRedirectUris) })
        {
            foreach (var text in uris.Where(u => !string.IsNullOrWhiteSpace(u)))
            {
                if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo)
                    || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
                {
                    return ("redirect-uri", null);
                }
                target.Add(uri);
            }
        }
        if (descriptor.Permissions.Contains(Permissions.GrantTypes.AuthorizationCode) && descriptor.RedirectUris.Count == 0)
        {
            return ("redirect-uri", null);
        }
        ClientSettings.Write(descriptor, request.MinimumLevel, request.Sector, request.Logo, request.Algorithm == "RS256" ? "RS256" : "ES256");
        await applications.CreateAsync(descriptor, cancellationToken);
        return (null, secret);
    }

    /// <summary>
    /// A client's key set (one JWK or a JWK set) with public keys only, or an error key: jwks-required, jwks-invalid,
    /// jwks-private, certificate-invalid (self_signed_tls_client_auth with a key that carries no certificate).
    /// </summary>
    internal static (JsonWebKeySet? KeySet, string? Error) PublicKeySet(string? jsonWebKeys, string authentication)
    {
        if (string.IsNullOrWhiteSpace(jsonWebKeys))
        {
            return (null, "jwks-required");
        }
        JsonWebKeySet keySet;
        try
        {
            keySet = jsonWebKeys.Contains("\"keys\"", StringComparison.Ordinal)
                ? new JsonWebKeySet(jsonWebKeys) : new JsonWebKeySet { Keys = { new JsonWebKey(jsonWebKeys) } };
        }
        catch (ArgumentException)
        {
            return (null, "jwks-invalid");
        }
        if (keySet.Keys.Count == 0)
        {
            return (null, "jwks-required");
        }
        if (keySet.Keys.Any(k => k.HasPrivateKey))
        {
            return (null, "jwks-private");
        }
        if (authentication == MutualTls.SelfSignedTlsClientAuth && !keySet.Keys.All(k => k.X5c.Count > 0))
        {
            return (null, "certificate-invalid");
        }
        return (keySet, null);
    }
}
