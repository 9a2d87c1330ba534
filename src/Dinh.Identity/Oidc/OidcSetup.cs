using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Platform.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Oidc;

/// <summary>
/// The OpenID Connect provider (OpenIddict): code flow with PKCE S256 only, refresh tokens rotated with reuse
/// detection, client credentials for agency systems, private_key_jwt and client secrets, pairwise subjects, ES256.
/// </summary>
public static class OidcSetup
{
    public const string AuthorizePath = "/connect/authorize";

    internal static IServiceCollection AddOidcProvider(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton<ProviderKeyRing>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ProviderKeyRing>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ProviderKeyRing>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictValidationOptions>>(sp => sp.GetRequiredService<ProviderKeyRing>());
        services.AddHostedService(sp => sp.GetRequiredService<ProviderKeyRing>());
        services.AddSingleton<ProviderPruning>();
        services.AddHostedService(sp => sp.GetRequiredService<ProviderPruning>());
        services.AddScoped<OidcClaims>();
        services.AddSingleton<ClientAssertionLedger>();
        services.AddSingleton<ClientAlgorithms>();
        services.AddHostedService(sp => sp.GetRequiredService<ClientAssertionLedger>());

        // OpenIddict's server answers its endpoints from the authentication middleware: it is asked on these paths only.
        services.AddAuthenticationRequestPaths(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, "/connect", "/.well-known");
        // OpenIddict's validation (bearer tokens of the exchange's callers, under /api/exchange and /data) prepares every
        // request it is asked about: not the server's own, nor the cookie-authenticated pages, which never authenticate
        // with it (1.5 % of a token's CPU, ADR 0024; every page request of a sign-in, ADR 0027).
        services.AddAuthenticationRequestPathExclusions(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme,
            "/connect", "/.well-known", "/account", "/officer", "/admin", "/citizen");
        var requireHttps = configuration.GetValue("Dinh:Oidc:RequireHttps", !environment.IsDevelopment());
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<AccountsDbContext>().ReplaceDefaultEntities<Guid>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication<Guid>, CertificateClientManager>();
                core.Services.AddSingleton<SharedApplicationCache.Shelf>();
                core.Services.AddScoped<IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication<Guid>>, SharedApplicationCache>();
            })
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizePath.TrimStart('/'))
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetEndSessionEndpointUris("connect/endsession");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                server.RequireProofKeyForCodeExchange();
                server.RegisterScopes([.. ScopeCatalog.Released.Select(s => s.Name), OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.OfflineAccess, .. ScopeCatalog.Agency]);
                server.RegisterClaims([Claims.Subject, Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference, Claims.AuthenticationTime,
                    .. ScopeCatalog.Released.SelectMany(s => s.Claims)]);
                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(10))
                    .SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2))
                    .SetIdentityTokenLifetime(TimeSpan.FromMinutes(10))
                    .SetRefreshTokenLifetime(TimeSpan.FromDays(14))
                    .SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                // Resource servers (agencies) validate ES256 JWTs with the JWKS; codes and refresh tokens stay encrypted.
                server.DisableAccessTokenEncryption();
                if (configuration["Dinh:Oidc:Issuer"] is { Length: > 0 } issuer)
                {
                    server.SetIssuer(new Uri(issuer, UriKind.Absolute));
                }
                MutualTls.Configure(server, configuration);
                server.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                    options.SubjectTypes.Clear();
                    options.SubjectTypes.Add(SubjectTypes.Pairwise);
                });
                server.AddEventHandler<OpenIddictServerEvents.ValidateTokenContext>(handler =>
                    handler.UseSingletonHandler<ClientAssertionKeys>()
                        .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 1));
                server.AddEventHandler<OpenIddictServerEvents.GenerateTokenContext>(handler =>
                    handler.UseSingletonHandler<TokenPolicy>().SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1));
                server.AddEventHandler<OpenIddictServerEvents.ValidateIntrospectionRequestContext>(handler =>
                    handler.UseSingletonHandler<IntrospectionCallerPolicy>().SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 1));
                server.AddEventHandler<OpenIddictServerEvents.ProcessAuthenticationContext>(handler =>
                    handler.UseSingletonHandler<ClientAssertionReplayPolicy>().SetOrder(new[]
                    {
                        OpenIddictServerHandlers.ValidateClientAssertion.Descriptor.Order, OpenIddictServerHandlers.ValidateClientAssertionWellknownClaims.Descriptor.Order,
                        OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order,
                        OpenIddictServerHandlers.ValidateClientType.Descriptor.Order, OpenIddictServerHandlers.ValidateClientSecret.Descriptor.Order,
                    }.Max() + 1));
                server.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        context.Metadata[Metadata.AcrValuesSupported] = new OpenIddictParameter([Assurance.Level1, Assurance.Level2]);
                        context.Metadata[Metadata.ClaimsParameterSupported] = false;
                        return default;
                    }));
                var aspNet = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (!requireHttps)
                {
                    aspNet.DisableTransportSecurityRequirement();
                }
                // client_credentials tokens are issued without the endpoint; the other grants still pass through (ADR 0024).
                server.RemoveEventHandler(TokenEndpointPassthrough.Replaced)
                    .AddEventHandler(TokenEndpointPassthrough.Descriptor)
                    .AddEventHandler(ClientCredentialsTokens.Descriptor);
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.EnableAuthorizationEntryValidation();
                validation.UseAspNetCore();
            });
        // Read when first needed, from the finished collection: every registration is in by then.
        services.AddSingleton(sp => new ServerHandlerIndex(sp, ServerHandlerIndex.Singletons(services)));
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictServerDispatcher, IndexedServerDispatcher>());
        return services;
    }

    internal static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/connect/token", (Delegate)TokenAsync).ExcludeFromDescription().DisableAntiforgery();
        endpoints.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync).ExcludeFromDescription().DisableAntiforgery();
        endpoints.MapMethods("/connect/endsession", ["GET", "POST"], (Delegate)EndSessionAsync).ExcludeFromDescription().DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> TokenAsync(HttpContext http, OidcClaims claims)
    {
        // client_credentials requests do not get here: OpenIddict answers them itself (ClientCredentialsTokens).
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID token request.");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            // The account may have been locked, or its citizen registered deceased, since the code or refresh token was issued.
            if (result.Principal is not { } principal || await claims.RefreshAsync(principal, http.RequestAborted) is not { } refreshed)
            {
                return Forbid(Errors.InvalidGrant, "The account can no longer sign in.");
            }
            return Results.SignIn(refreshed, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, OidcClaims claims)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal || await claims.UserInfoAsync(principal, http.RequestAborted) is not { } info)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is no longer valid.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        return Results.Json(info);
    }

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await AccountSessions.EndCurrentAsync(http);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    internal static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

/// <summary>
/// Per-token choices: a client registered for RS256 gets RS256 tokens; client-credentials access tokens are
/// self-contained JWTs of 10 minutes and get no database entry (an agency system asks for thousands a second).
/// </summary>
internal sealed class TokenPolicy(ClientAlgorithms algorithms) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TokenType == TokenTypeIdentifiers.AccessToken && context.Request?.IsClientCredentialsGrantType() == true)
        {
            context.CreateTokenEntry = false;
        }
        if (context.ClientId is { } clientId && context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
        {
            var algorithm = await algorithms.GetAsync(clientId);
            if (algorithm == SecurityAlgorithms.RsaSha256 && context.Options.SigningCredentials
                    .FirstOrDefault(c => c.Algorithm == SecurityAlgorithms.RsaSha256) is { } rsa)
            {
                context.SigningCredentials = rsa;
            }
        }
    }
}

/// <summary>A small cache of each client's signing algorithm: the token endpoint must not read the application twice.</summary>
internal sealed class ClientAlgorithms(IServiceProvider services, TimeProvider clock)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Algorithm, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<string> GetAsync(string clientId)
    {
        if (_cache.TryGetValue(clientId, out var cached) && clock.GetUtcNow() - cached.At < TimeSpan.FromMinutes(1))
        {
            return cached.Algorithm;
        }
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId);
        var algorithm = application is null ? "ES256" : (await ClientSettings.ReadAsync(applications, application, default)).SigningAlgorithm;
        _cache[clientId] = (algorithm, clock.GetUtcNow());
        return algorithm;
    }
}
