using System.Security.Cryptography;
using System.Text;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Oidc;

/// <summary>
/// Introspection only for the client a token was issued to (or an audience named in it). OpenIddict skips its own
/// check when an access token names no audience, and Dinh's access tokens name none: without this, any client with
/// the introspection permission learned whether another client's token was active, and its subject and client.
/// </summary>
internal sealed class IntrospectionCallerPolicy : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateIntrospectionRequestContext>
{
    public ValueTask HandleAsync(OpenIddictServerEvents.ValidateIntrospectionRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GenericTokenPrincipal is { } principal
            && (string.IsNullOrEmpty(context.ClientId) || (!principal.HasAudience(context.ClientId) && !principal.HasPresenter(context.ClientId))))
        {
            // invalid_token: OpenIddict answers it as {"active": false}, as RFC 7662 wants.
            context.Reject(Errors.InvalidToken, "The token was not issued to the caller.");
        }
        return default;
    }
}

/// <summary>
/// A client assertion (private_key_jwt) is good for one request: its jti is recorded, through OpenIddict's token
/// store (shared by every instance, unique reference id) until the assertion expires, and a second use is refused.
/// OpenIddict 7 checks the signature, issuer, audience and lifetime but not replay. The write is batched with other
/// requests' by <see cref="ClientAssertionLedger"/>.
/// </summary>
internal sealed class ClientAssertionReplayPolicy(ClientAssertionLedger ledger, TimeProvider clock) : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ClientAssertionPrincipal is not { } assertion)
        {
            return;
        }
        var jti = assertion.GetClaim(Claims.JwtId);
        var expires = assertion.GetExpirationDate();
        if (string.IsNullOrEmpty(jti) || expires is null || string.IsNullOrEmpty(context.ClientId))
        {
            context.Reject(Errors.InvalidClient, "The client assertion must have a jti and an expiry.");
            return;
        }
        var reference = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{context.ClientId}\n{jti}")));
        if (!await ledger.RecordAsync(reference, context.ClientId, expires.Value, clock.GetUtcNow(), context.CancellationToken))
        {
            context.Reject(Errors.InvalidClient, "The client assertion was already used.");
        }
    }
}
