using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Platform.Web;

public static class PageAccess
{
    /// <summary>
    /// The answer to a browser that may not open a page: signed out, the sign-in page (a challenge); signed in with an
    /// account that may not open it (a citizen on an officer's page, an officer outside their role), the access-denied
    /// page (403), not the sign-in form again as if nobody were signed in.
    /// </summary>
    public static IActionResult SignInOrForbid(this PageModel page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.User.Identity?.IsAuthenticated == true ? page.Forbid() : page.Challenge();
    }
}
