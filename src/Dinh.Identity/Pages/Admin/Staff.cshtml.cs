using Dinh.Identity.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Admin;

/// <summary>Officers' and administrators' accounts; an administrator resets the second factor of one who lost their authenticator.</summary>
[Authorize(Policy = IdentityPolicies.Administrator)]
internal sealed class StaffModel(Persistence.AccountsDbContext db, StaffTotpReset reset, IStringLocalizer<IdentityText> text) : PageModel
{
    public sealed record Row(Guid Id, string Login, string? Name, AccountKind Kind, bool TwoFactor);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostResetAsync(Guid id, string? reason)
    {
        if (AccountCookie.AccountId(User) is not { } me)
        {
            return Challenge();
        }
        var refusal = await reset.ResetAsync(id, me, reason, HttpContext.TraceIdentifier);
        if (refusal == TotpResetRefusal.None)
        {
            Message = text["Staff.ResetDone"];
        }
        else
        {
            Error = text["Staff.Refused." + refusal];
            Response.StatusCode = refusal == TotpResetRefusal.NotStaff ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() =>
        Rows = await db.Accounts.AsNoTracking().Where(a => a.Kind == AccountKind.Officer || a.Kind == AccountKind.Administrator)
            .OrderBy(a => a.UserName).Take(500)
            .Select(a => new Row(a.Id, a.UserName ?? "", a.DisplayName, a.Kind, a.TwoFactorEnabled)).ToListAsync(HttpContext.RequestAborted);
}
