using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Pages.Dev;

/// <summary>
/// Development only: pick a demo officer and get their cookie. Outside Development the scheme is not registered
/// and this page has no route (RegistrySetup), so it answers 404.
/// </summary>
internal sealed class SignInModel(RegistryDbContext db) : PageModel
{
    public static IReadOnlyList<Dinh.Registry.Officers.Officer> Officers => DemoOfficers.All;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync(string login, CancellationToken cancellationToken)
    {
        var officer = DemoOfficers.All.FirstOrDefault(o => o.Login == login);
        if (officer is null)
        {
            return BadRequest();
        }
        if (!await db.Officers.AnyAsync(o => o.Id == officer.Id, cancellationToken))
        {
            db.Officers.Add(new Dinh.Registry.Officers.Officer
            {
                Id = officer.Id, Login = officer.Login, DisplayName = officer.DisplayName, Role = officer.Role,
                JurisdictionLevel = officer.JurisdictionLevel, JurisdictionCode = officer.JurisdictionCode,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        await HttpContext.SignInAsync(SignedInOfficer.Scheme, SignedInOfficer.ToPrincipal(officer));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/officer/citizens");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(SignedInOfficer.Scheme);
        return LocalRedirect("/");
    }
}
