using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Dinh.Samples.LoginWithDinh.Pages;

[Authorize]
public sealed class ProfileModel : PageModel
{
    public string? Name { get; private set; }
    public string? Birthdate { get; private set; }
    public string? PersonalId { get; private set; }
    public string? Level { get; private set; }
    public IReadOnlyList<string> Methods { get; private set; } = [];
    public string? Subject { get; private set; }
    public string? IdTokenIssuer { get; private set; }
    public DateTimeOffset? IdTokenExpires { get; private set; }
    public IReadOnlyList<Claim> Claims { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Name = User.Identity?.Name;
        Birthdate = User.FindFirst("birthdate")?.Value;
        PersonalId = User.FindFirst("personal_id")?.Value;
        Level = User.FindFirst("acr")?.Value;
        Methods = User.FindAll("amr").Select(c => c.Value).ToList();
        Subject = User.FindFirst("sub")?.Value;
        Claims = User.Claims.ToList();

        // Read, not validated again: the handler validated this token (signature, issuer, audience, nonce, expiry)
        // before the session was opened, and it has been in the encrypted session cookie since.
        if (await HttpContext.GetTokenAsync("id_token") is { Length: > 0 } idToken)
        {
            var token = new JsonWebToken(idToken);
            IdTokenIssuer = token.Issuer;
            IdTokenExpires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        }
    }

    // RP-initiated logout: end the session here, then at Dinh (end_session_endpoint with id_token_hint), which
    // returns the browser to /signout-callback-oidc and from there to the home page.
    public SignOutResult OnPostLogout() => SignOut(
        new AuthenticationProperties { RedirectUri = "/?signedOut=true" },
        CookieAuthenticationDefaults.AuthenticationScheme,
        OpenIdConnectDefaults.AuthenticationScheme);
}
