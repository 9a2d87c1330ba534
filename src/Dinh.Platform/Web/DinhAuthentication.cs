using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Web;

/// <summary>
/// Authentication schemes that answer requests themselves (<see cref="IAuthenticationRequestHandler"/>) on known
/// paths only: OpenIddict's server answers its own endpoints. Such a scheme is not asked about any other path. Request
/// handlers not listed here are asked on every request, as the framework does (OpenIddict's validation needs that: it
/// prepares its transaction there for the bearer tokens it then authenticates), except on the paths excluded for them.
/// </summary>
public sealed class RequestHandlerPathsOptions
{
    public Dictionary<string, List<PathString>> Schemes { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths on which a scheme is not asked (it has nothing to do there), whatever <see cref="Schemes"/> says.</summary>
    public Dictionary<string, List<PathString>> Excluded { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// ASP.NET Core's authentication middleware, except that a scheme that handles requests itself and registered its
/// paths (<see cref="RequestHandlerPathsOptions"/>) is asked on those paths only. The framework's middleware asks every
/// such scheme on every request: OpenIddict's server ran its event pipeline on every page, lookup and health probe.
/// Then, as the framework does, the default scheme authenticates and sets the user.
/// </summary>
internal sealed class DinhAuthenticationMiddleware(RequestDelegate next, IAuthenticationSchemeProvider schemes, IOptions<RequestHandlerPathsOptions> paths)
{
    private readonly Dictionary<string, PathString[]> _paths = paths.Value.Schemes.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    private readonly Dictionary<string, PathString[]> _excluded = paths.Value.Excluded.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
        {
            OriginalPath = context.Request.Path,
            OriginalPathBase = context.Request.PathBase,
        });
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        foreach (var scheme in await schemes.GetRequestHandlerSchemesAsync())
        {
            if ((_paths.TryGetValue(scheme.Name, out var prefixes) && !Under(context.Request.Path, prefixes))
                || (_excluded.TryGetValue(scheme.Name, out var excluded) && Under(context.Request.Path, excluded)))
            {
                continue;
            }
            if (await handlers.GetHandlerAsync(context, scheme.Name) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
            {
                return;
            }
        }
        if (await schemes.GetDefaultAuthenticateSchemeAsync() is { } defaultScheme)
        {
            var result = await context.AuthenticateAsync(defaultScheme.Name);
            if (result.Principal is not null)
            {
                context.User = result.Principal;
            }
            if (result.Succeeded)
            {
                var feature = new AuthenticatedFeature(result);
                context.Features.Set<IHttpAuthenticationFeature>(feature);
                context.Features.Set<IAuthenticateResultFeature>(feature);
            }
        }
        await next(context);
    }

    private static bool Under(PathString path, PathString[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    // What the framework's middleware stores: the authorization middleware reuses the result instead of authenticating again.
    private sealed class AuthenticatedFeature : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        private AuthenticateResult? _result;
        private System.Security.Claims.ClaimsPrincipal? _user;

        public AuthenticatedFeature(AuthenticateResult result) => AuthenticateResult = result;

        public AuthenticateResult? AuthenticateResult
        {
            get => _result;
            set
            {
                _result = value;
                _user = value?.Principal;
            }
        }

        // A user set by someone else no longer matches the result: it is dropped, as the framework does.
        public System.Security.Claims.ClaimsPrincipal? User
        {
            get => _user;
            set
            {
                _user = value;
                _result = null;
            }
        }
    }
}

public static class DinhAuthenticationSetup
{
    /// <summary>Asks <paramref name="scheme"/>, a scheme that handles requests itself, only under <paramref name="prefixes"/>.</summary>
    public static IServiceCollection AddAuthenticationRequestPaths(this IServiceCollection services, string scheme, params string[] prefixes) =>
        services.Configure<RequestHandlerPathsOptions>(options =>
        {
            if (!options.Schemes.TryGetValue(scheme, out var list))
            {
                options.Schemes[scheme] = list = [];
            }
            list.AddRange(prefixes.Select(p => new PathString(p)));
        });

    /// <summary>
    /// Does not ask <paramref name="scheme"/>, a scheme that handles requests itself, under <paramref name="prefixes"/>:
    /// nothing there may authenticate with it (it would find the request unprepared).
    /// </summary>
    public static IServiceCollection AddAuthenticationRequestPathExclusions(this IServiceCollection services, string scheme, params string[] prefixes) =>
        services.Configure<RequestHandlerPathsOptions>(options =>
        {
            if (!options.Excluded.TryGetValue(scheme, out var list))
            {
                options.Excluded[scheme] = list = [];
            }
            list.AddRange(prefixes.Select(p => new PathString(p)));
        });

    internal static IApplicationBuilder UseDinhAuthentication(this IApplicationBuilder app)
    {
        // The mark UseAuthentication leaves: without it WebApplication would put the framework's middleware first as well.
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        return app.UseMiddleware<DinhAuthenticationMiddleware>();
    }
}
