using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Oidc;

/// <summary>
/// The public keys that verify a client's private_key_jwt assertion, resolved asynchronously and kept in memory for
/// <see cref="Lifetime"/>. OpenIddict's own resolver looks the client up on a thread-pool thread and blocks
/// another one waiting for it (sync over async); under load that starved the pool and made the token endpoint five
/// times slower than its peer (docs/performance.md). The same key objects are reused, so their signature providers
/// are cached too. A client whose key set changes is served the old keys for at most <see cref="Lifetime"/>.
/// </summary>
internal sealed class ClientAssertionKeys(IServiceProvider services, TimeProvider clock) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private const int MaxClients = 10_000;
    private static readonly ConcurrentDictionary<string, (IList<SecurityKey> Keys, DateTimeOffset At)> Cache = new(StringComparer.Ordinal);

    public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ValidTokenTypes.Count != 1 || !context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion)
            || context.TokenValidationParameters is not { } parameters || string.IsNullOrEmpty(context.Token))
        {
            return;
        }
        string issuer;
        try
        {
            // Unvalidated: it only chooses which client's keys to try; OpenIddict checks iss against client_id later.
            issuer = new JsonWebToken(context.Token).Issuer;
        }
        catch (ArgumentException)
        {
            return;
        }
        if (string.IsNullOrEmpty(issuer))
        {
            return;
        }
        parameters.IssuerSigningKeyResolver = null;
        parameters.IssuerSigningKeys = await KeysAsync(issuer, context.CancellationToken);
    }

    private async ValueTask<IList<SecurityKey>> KeysAsync(string clientId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Cache.TryGetValue(clientId, out var cached) && now - cached.At < Lifetime)
        {
            return cached.Keys;
        }
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        var keys = application is not null && await applications.GetJsonWebKeySetAsync(application, cancellationToken) is { } set
            ? set.GetSigningKeys()
            : [];
        if (Cache.Count >= MaxClients)
        {
            Cache.Clear();
        }
        Cache[clientId] = (keys, now);
        return keys;
    }
}
