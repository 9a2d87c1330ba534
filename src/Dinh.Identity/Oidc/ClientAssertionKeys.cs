using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
        // Unvalidated: it only chooses which client's keys to try; OpenIddict checks iss against client_id later.
        if (UnvalidatedIssuer(context.Token) is not { Length: > 0 } issuer)
        {
            return;
        }
        parameters.IssuerSigningKeyResolver = null;
        parameters.IssuerSigningKeys = await KeysAsync(issuer, context.CancellationToken);
    }

    /// <summary>
    /// The <c>iss</c> of a compact JWS's payload, read with nothing else: parsing the whole token into a
    /// <c>JsonWebToken</c> (which OpenIddict does again to validate it) was 1 % of a token's CPU. Null when the token is
    /// not a JWS with a JSON payload (a JWE's second part is its encrypted key): OpenIddict's own resolver is left then.
    /// </summary>
    internal static string? UnvalidatedIssuer(string token)
    {
        var first = token.IndexOf('.');
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0)
        {
            return null;
        }
        var payload = token.AsSpan(first + 1, second - first - 1);
        var length = Base64Url.GetMaxDecodedLength(payload.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= 2048 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }
            var reader = new Utf8JsonReader(buffer[..written]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isIssuer = reader.ValueTextEquals("iss"u8);
                if (!reader.Read())
                {
                    return null;
                }
                if (isIssuer)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
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
