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
