using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Dinh.Samples.LoginWithDinh;

/// <summary>What this application was given when Dinh registered it as a client (section <c>Dinh</c>).</summary>
public sealed record DinhClient(Uri Authority, string ClientId, string ClientSecret, IReadOnlyList<string> Scopes)
{
    public static DinhClient Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Dinh");
        string Required(string key) => section[key] is { Length: > 0 } value ? value.Trim()
            : throw new InvalidOperationException($"Dinh:{key} (env Dinh__{key}) is not set; see samples/Dinh.Samples.LoginWithDinh/README.md.");

        var authorityText = Required("Authority");
        if (!Uri.TryCreate(authorityText, UriKind.Absolute, out var authority)
            || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"Dinh:Authority (env Dinh__Authority) is '{authorityText}'; expected an absolute http(s) URL such as https://id.example.gov/.");
        }
        var scopes = Required("Scopes").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains(OpenIdConnectScope.OpenId))
        {
            throw new InvalidOperationException($"Dinh:Scopes (env Dinh__Scopes) is '{string.Join(' ', scopes)}'; it must include 'openid'.");
        }
        return new DinhClient(authority, Required("ClientId"), Required("ClientSecret"), scopes);
    }
}

/// <summary>Signing in with Dinh: a cookie session for this application, opened by an OpenID Connect login at Dinh.</summary>
public static class DinhLogin
{
    public const string Level1 = "urn:dinh:loa:1";
    public const string Level2 = "urn:dinh:loa:2";

    // Kept in the protected `state` round trip, so the callback knows what was asked for.
    public const string RequestedLevelItem = "dinh.requested_acr";

    // The only claims this application keeps in its session cookie. Everything else Dinh sends is dropped at the
    // door: an application stores the personal data it needs, not the personal data it happens to receive.
    private static readonly HashSet<string> KeptClaims =
        ["sub", "name", "given_name", "family_name", "birthdate", "personal_id", "acr", "amr"];

    public static WebApplicationBuilder AddDinhLogin(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var client = DinhClient.Read(builder.Configuration);
        builder.Services.AddSingleton(client);

        builder.Services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = "login-with-dinh";
                // A session here ends after an hour at most; signing in again is one redirect while the Dinh
                // session is alive.
                options.ExpireTimeSpan = TimeSpan.FromHours(1);
                options.SlidingExpiration = false;
            })
            .AddOpenIdConnect(options => Configure(options, client, builder.Environment));
        return builder;
    }

    private static void Configure(OpenIdConnectOptions options, DinhClient client, IWebHostEnvironment environment)
    {
        options.Authority = client.Authority.AbsoluteUri;
        // Plain HTTP is only for a Dinh running on this machine in Development; anywhere else the discovery
        // document, keys and tokens must come over TLS.
        options.RequireHttpsMetadata = !(environment.IsDevelopment() && client.Authority.IsLoopback);
        options.ClientId = client.ClientId;
        options.ClientSecret = client.ClientSecret;

        // Authorization code with PKCE (S256): Dinh refuses authorization requests without a code challenge, so a
        // code stolen from the redirect is useless without the verifier that never left this server.
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        // Dinh's contract is a front-channel authorization request. .NET pushes it (PAR) by default whenever the
        // discovery document offers a PAR endpoint, which would fail for a client Dinh has not allowed to use it.
        options.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        options.CallbackPath = "/signin-oidc";
        options.SignedOutCallbackPath = "/signout-callback-oidc";
        // The response comes back as a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
        // (the default, None, exists for form_post) and need not be Secure-only on a plain-HTTP localhost; over
        // HTTPS they are Secure.
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        // No library name and version (x-client-SKU, x-client-ver) in every authorization request.
        options.DisableTelemetry = true;

        options.Scope.Clear();
        foreach (var scope in client.Scopes)
        {
            options.Scope.Add(scope);
        }

        options.SaveTokens = true;   // the ID token is the id_token_hint of the logout request
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;   // keep the OpenID Connect names (sub, name, birthdate), not WS-* URIs
        options.TokenValidationParameters.NameClaimType = "name";
        options.TokenValidationParameters.RoleClaimType = "role";

        // The handler drops `acr` by default; this application shows it and checks it.
        options.ClaimActions.Remove("acr");
        // UserInfo members the handler does not map by default.
        options.ClaimActions.MapUniqueJsonKey("birthdate", "birthdate");
        options.ClaimActions.MapUniqueJsonKey("personal_id", "personal_id");

        options.Events.OnRedirectToIdentityProvider = RequestLevel;
        options.Events.OnTokenValidated = CheckLevel;
        options.Events.OnTicketReceived = KeepOnlyWhatThisApplicationNeeds;
        options.Events.OnAccessDenied = context =>
        {
            context.Response.Redirect("/sign-in-failed?reason=cancelled");
            context.HandleResponse();
            return Task.CompletedTask;
        };
        options.Events.OnRemoteFailure = ShowFailure;
    }

    private static Task RequestLevel(RedirectContext context)
    {
        if (context.Properties.Items.TryGetValue(RequestedLevelItem, out var level) && level is not null)
        {
            context.ProtocolMessage.AcrValues = level;
        }
        return Task.CompletedTask;
    }

    // acr_values is a request, not a guarantee: the provider may answer with a lower level (for a person whose
    // account is only level 1, for example). An application that needs level 2 must check the `acr` it received.
    private static Task CheckLevel(TokenValidatedContext context)
    {
        var received = context.Principal?.FindFirst("acr")?.Value;
        if (context.Properties?.Items.TryGetValue(RequestedLevelItem, out var requested) == true
            && requested == Level2 && received != Level2)
        {
            Logger(context.HttpContext).LogWarning("Sign-in with Dinh refused: {Requested} was requested, the ID token's acr is {Received}", requested, received);
            // Handled here, so no session is opened.
            context.Response.Redirect("/sign-in-failed?reason=level");
            context.HandleResponse();
        }
        return Task.CompletedTask;
    }

    private static Task KeepOnlyWhatThisApplicationNeeds(TicketReceivedContext context)
    {
        var received = context.Principal!;
        var identity = new ClaimsIdentity(
            received.Claims.Where(c => KeptClaims.Contains(c.Type)),
            received.Identity?.AuthenticationType,
            nameType: "name",
            roleType: "role");
        context.Principal = new ClaimsPrincipal(identity);
        return Task.CompletedTask;
    }

    private static Task ShowFailure(RemoteFailureContext context)
    {
        // The page says that it failed; what failed stays in the log.
        Logger(context.HttpContext).LogWarning(context.Failure, "Sign-in with Dinh failed");
        context.Response.Redirect("/sign-in-failed");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DinhLogin));
}
