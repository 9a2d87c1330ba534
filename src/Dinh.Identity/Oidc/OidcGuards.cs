using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
/// OpenIddict 7 checks the signature, issuer, audience and lifetime but not replay.
/// </summary>
internal sealed class ClientAssertionReplayPolicy(IServiceProvider services) : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
{
    public const string TokenType = "dinh_client_assertion";

    public async ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ClientAssertionPrincipal is not { } assertion)
        {
            return;
        }
        var jti = assertion.GetClaim(Claims.JwtId);
        var expires = assertion.GetExpirationDate();
        if (string.IsNullOrEmpty(jti) || expires is null)
        {
            context.Reject(Errors.InvalidClient, "The client assertion must have a jti and an expiry.");
            return;
        }
        var reference = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{context.ClientId}\n{jti}")));
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Persistence.AccountsDbContext>();
        // EF maps a Guid to uuid on PostgreSQL and to upper-case text on SQLite; a raw parameter must match.
        object id = db.Database.IsNpgsql() ? Guid.CreateVersion7() : Guid.CreateVersion7().ToString().ToUpperInvariant();
        // One statement, one round trip: the unique reference id decides, even between instances at the same moment.
        var recorded = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "OpenIddictTokens" (id, concurrency_token, creation_date, expiration_date, redemption_date, reference_id, status, subject, type)
            VALUES ({id}, {Guid.NewGuid().ToString()}, {now}, {expires.Value.UtcDateTime}, {now}, {reference}, {Statuses.Redeemed}, {context.ClientId}, {TokenType})
            ON CONFLICT (reference_id) DO NOTHING
            """, context.CancellationToken);
        if (recorded == 0)
        {
            context.Reject(Errors.InvalidClient, "The client assertion was already used.");
        }
    }
}
