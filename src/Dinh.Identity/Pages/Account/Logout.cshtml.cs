using Dinh.Identity.Oidc;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Identity.Pages.Account;

/// <summary>Signs out of this browser: the session ends in the database too. POST only (a link cannot sign anyone out).</summary>
internal sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await AccountSessions.EndCurrentAsync(HttpContext);
        return LocalRedirect("/");
    }
}
