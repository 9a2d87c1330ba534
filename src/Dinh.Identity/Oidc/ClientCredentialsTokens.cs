using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Oidc;

/// <summary>
/// A client_credentials token request is answered inside OpenIddict's own pipeline, which has by then authenticated
/// the client (its assertion's signature, issuer, audience, lifetime and one-time use, <see cref="ClientAssertionReplayPolicy"/>)
/// and checked its grant and scope permissions: the token names the client as its subject, with the scopes it asked
/// for, all of it for the access token. What the endpoint <c>/connect/token</c> did for this grant, without the rest
/// of the ASP.NET Core pipeline after authentication (authorization, status-code pages, static files, antiforgery,
/// routing to the endpoint, minimal-API binding, a second authentication-handler look-up for the sign-in): 3–5 % of a
/// token's CPU for nothing an agency system's token needs (ADR 0024). The code and refresh-token grants still go
/// through to the endpoint (<see cref="TokenEndpointPassthrough"/>), which re-reads the account.
/// </summary>
internal sealed class ClientCredentialsTokens : IOpenIddictServerHandler<OpenIddictServerEvents.HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.HandleTokenRequestContext>()
        .UseSingletonHandler<ClientCredentialsTokens>()
        .SetOrder(TokenEndpointPassthrough.Descriptor.Order - 1_000)
        .Build();

    /// <summary>The transaction property holding the principal signed in here: the mark <see cref="TokenEndpointPassthrough"/> reads.</summary>
    internal const string SignedInProperty = "dinh:client_credentials_principal";

    public ValueTask HandleAsync(OpenIddictServerEvents.HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.IsClientCredentialsGrantType() && !string.IsNullOrEmpty(context.Request.ClientId))
        {
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, context.Request.ClientId);
            identity.SetScopes(context.Request.GetScopes());
            identity.SetDestinations(static _ => [Destinations.AccessToken]);
            var principal = new ClaimsPrincipal(identity);
            context.Transaction.SetProperty(SignedInProperty, principal);
            context.SignIn(principal);
        }
        return default;
    }
}

/// <summary>
/// OpenIddict's pass-through of the token endpoint (its <c>EnablePassthroughMode</c>, same filters and order, which this
/// replaces), except for a request signed in by <see cref="ClientCredentialsTokens"/>: that one OpenIddict answers
/// itself. The mark is that handler's own principal, not just any: for the code and refresh-token grants OpenIddict has
/// already put the code's or refresh token's principal in the context, and those must reach the endpoint, which checks
/// that the account may still sign in.
/// </summary>
internal sealed class TokenEndpointPassthrough : IOpenIddictServerHandler<OpenIddictServerEvents.HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Replaced { get; } = OpenIddictServerAspNetCoreHandlers
        .EnablePassthroughMode<OpenIddictServerEvents.HandleTokenRequestContext, OpenIddictServerAspNetCoreHandlerFilters.RequireTokenEndpointPassthroughEnabled>.Descriptor;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.HandleTokenRequestContext>()
        .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
        .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireTokenEndpointPassthroughEnabled>()
        .UseSingletonHandler<TokenEndpointPassthrough>()
        .SetOrder(Replaced.Order)
        .SetType(OpenIddictServerHandlerType.BuiltIn)
        .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal is null || !ReferenceEquals(context.Principal, context.Transaction.GetProperty<ClaimsPrincipal>(ClientCredentialsTokens.SignedInProperty)))
        {
            context.SkipRequest();
        }
        return default;
    }
}
