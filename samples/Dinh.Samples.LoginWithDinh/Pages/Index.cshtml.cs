using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Samples.LoginWithDinh.Pages;

public sealed class IndexModel(DinhClient client) : PageModel
{
    public DinhClient Client { get; } = client;

    public bool SignedOut { get; private set; }

    public void OnGet(bool signedOut = false) => SignedOut = signedOut;

    // A POST with an antiforgery token (Razor Pages checks it), so another site cannot start a login on the
    // user's behalf.
    public IActionResult OnPostLogin(int level = 1)
    {
        var properties = new AuthenticationProperties { RedirectUri = "/profile" };
        if (level == 2)
        {
            properties.Items[DinhLogin.RequestedLevelItem] = DinhLogin.Level2;
        }
        return Challenge(properties, OpenIdConnectDefaults.AuthenticationScheme);
    }
}
