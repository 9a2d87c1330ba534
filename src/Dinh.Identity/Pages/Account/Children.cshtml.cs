using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Account;

/// <summary>
/// A parent with a level-2 account registers a child under 14 (Decree 69/2024 Art. 7): the registry must name the
/// parent as the child's father or mother. The child's account is level 1, linked to the parent, and uses the
/// parent's verified phone. Guardians who are not parents are registered at the police counter (not modelled here).
/// </summary>
internal sealed class ChildrenModel(AccountsDbContext db, UserManager<Accounts.Account> users, CitizenDirectory citizens, TimeProvider clock,
    IStringLocalizer<IdentityText> text) : PageModel
{
    public IReadOnlyList<(string Number, string Name)> Children { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }
    public bool Allowed { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? Challenge() : Page();

    public async Task<IActionResult> OnPostAsync(string? number, string? name, string? dateOfBirth, string? password, string? confirm)
    {
        if (await LoadAsync() is not { } me)
        {
            return Challenge();
        }
        if (!Allowed)
        {
            return Fail(text["Children.Level2"]);
        }
        if (password is null || password != confirm || password.Length > 1024)
        {
            return Fail(text["Password.Mismatch"]);
        }
        var now = clock.GetUtcNow();
        var child = await citizens.FindByNumberAsync(number?.Trim(), HttpContext.RequestAborted);
        var parent = me.CitizenId!.Value;
        if (child is null || child.Deceased || !child.IsChildOf(parent) || !CitizenDirectory.SameName(name, child.FullName)
            || PartialDate.Parse(dateOfBirth, out _) != child.DateOfBirth)
        {
            return Fail(text["Children.NoMatch"]);
        }
        if (child.AgeOn(DateOnly.FromDateTime(now.UtcDateTime)) >= 14)
        {
            return Fail(text["Children.TooOld"]);
        }
        if (await db.Accounts.AnyAsync(a => a.CitizenId == child.Id, HttpContext.RequestAborted))
        {
            return Fail(text["Children.Exists"]);
        }
        var account = new Accounts.Account
        {
            Id = Guid.CreateVersion7(now), UserName = child.PersonalIdNumber, Kind = AccountKind.Citizen, CitizenId = child.Id, Level = AssuranceLevel.Level1,
            GuardianAccountId = me.Id, CreatedAt = now, PhoneNumber = me.PhoneNumber, PhoneNumberConfirmed = me.PhoneNumberConfirmed, LockoutEnabled = true,
        };
        db.Audit(IdentityAudit.Of($"account:{me.Id}", "account.registered.by-guardian", $"citizen:{child.Id}", "registration of a child under 14",
            "Decree 69/2024 Art. 7", HttpContext.TraceIdentifier, null));
        var result = await users.CreateAsync(account, password);
        if (!result.Succeeded)
        {
            return Fail(PasswordErrors.Describe(result, text));
        }
        Message = text["Children.Created"];
        await LoadAsync();
        return Page();
    }

    private async Task<Accounts.Account?> LoadAsync()
    {
        if (AccountCookie.AccountId(User) is not { } id || await users.FindByIdAsync(id.ToString()) is not { } me)
        {
            return null;
        }
        Allowed = me.Level == AssuranceLevel.Level2 && me.CitizenId is not null;
        var children = await db.Accounts.AsNoTracking().Where(a => a.GuardianAccountId == id).Select(a => new { a.UserName, a.CitizenId }).ToListAsync(HttpContext.RequestAborted);
        var list = new List<(string, string)>();
        foreach (var c in children)
        {
            list.Add((c.UserName ?? "", c.CitizenId is { } cid ? (await citizens.FindAsync(cid, HttpContext.RequestAborted))?.FullName ?? "" : ""));
        }
        Children = list;
        return me;
    }

    private PageResult Fail(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
