using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Identity.Pages.Account;

/// <summary>
/// Where a signed-in browser lands when its account may not open a page (the cookie's access-denied path): a 403 that
/// says so, names the page and the account, and offers to sign out to use another account. API callers get a bare 403.
/// </summary>
internal sealed class DeniedModel : PageModel
{
    public string? Requested { get; private set; }
    public bool SignedIn { get; private set; }
    public string? SignedInAs { get; private set; }

    public IActionResult OnGet([FromQuery(Name = "ReturnUrl")] string? returnUrl)
    {
        // Only a local path is named: the query comes from the address bar and is shown as text.
        Requested = !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl.Split('?')[0] : null;
        SignedIn = User.Identity?.IsAuthenticated == true;
        SignedInAs = SignedIn ? User.Identity!.Name : null;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}
