using Dinh.Platform.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Dinh.Identity.Oidc;

/// <summary>
/// The origin of a client's redirect URI, allowed as a form target of this response only when the URI is one the
/// client registered (exact match): the sign-in and consent forms end in a redirect to the client.
/// </summary>
public static class ClientOrigins
{
    public static async Task AllowAsync(HttpContext http, IOpenIddictApplicationManager applications, string? clientId, string? redirectUri)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(applications);
        if (clientId is null || redirectUri is null || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri))
        {
            return;
        }
        if (await applications.FindByClientIdAsync(clientId, http.RequestAborted) is { } application
            && await applications.ValidateRedirectUriAsync(application, redirectUri, http.RequestAborted))
        {
            SecurityHeadersMiddleware.AllowFormTarget(http, uri);
        }
    }

    /// <summary>The same, for a sign-in page whose return address is an authorization request (the application manager is
    /// resolved only then).</summary>
    public static Task AllowForReturnUrlAsync(HttpContext http, string? returnUrl)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (returnUrl is null || !returnUrl.StartsWith(OidcSetup.AuthorizePath + "?", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(returnUrl[(OidcSetup.AuthorizePath.Length + 1)..]);
        return AllowAsync(http, http.RequestServices.GetRequiredService<IOpenIddictApplicationManager>(), query["client_id"].FirstOrDefault(), query["redirect_uri"].FirstOrDefault());
    }
}
