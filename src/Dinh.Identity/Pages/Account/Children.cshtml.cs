using System.Globalization;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Account;

/// <summary>
/// A parent or guardian with a level-2 account registers a child under 14 (Decree 69/2024 Art. 7): the registry must
/// name them as the child's father or mother, or hold a guardianship of theirs for the child in effect today. The
/// child's account is level 1, linked to them, and uses their verified phone. Once a guardianship has ended the former
/// guardian is refused, and the list shows the link as ended.
/// </summary>
internal sealed class ChildrenModel(AccountsDbContext db, UserManager<Accounts.Account> users, CitizenDirectory citizens, Guardianships guardianships,
    TimeProvider clock, IStringLocalizer<IdentityText> text) : PageModel
{
    public sealed record Linked(string Number, string Name, string Relation);

    public IReadOnlyList<Linked> Children { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }
    public bool Allowed { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? this.SignInOrForbid() : Page();

    public async Task<IActionResult> OnPostAsync(string? number, string? name, string? dateOfBirth, string? password, string? confirm)
    {
        if (await LoadAsync() is not { } me)
        {
            return this.SignInOrForbid();
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
        var today = VietnamTime.DayOf(now);
        var child = await citizens.FindByNumberAsync(number?.Trim(), HttpContext.RequestAborted);
        var parent = me.CitizenId!.Value;
        var wards = child is null ? [] : (await guardianships.OfGuardianAsync(parent, HttpContext.RequestAborted)).Where(g => g.WardId == child.Id).ToList();
        var guardianship = wards.FirstOrDefault(g => g.ActiveOn(today));
        if (child is null || child.Deceased || (!child.IsChildOf(parent) && wards.Count == 0) || !CitizenDirectory.SameName(name, child.FullName)
            || PartialDate.Parse(dateOfBirth, out _) != child.DateOfBirth)
        {
            return Fail(text["Children.NoMatch"]);
        }
        if (!child.IsChildOf(parent) && guardianship is null)
        {
            return Fail(text["Children.GuardianshipEnded"]);
        }
        if (child.AgeOn(today) >= 14)
        {
            return Fail(text["Children.TooOld"]);
        }
        var basis = child.IsChildOf(parent) ? "parent" : $"guardianship {guardianship!.Id}: {guardianship.LegalBasis}";
        if (await db.Accounts.FirstOrDefaultAsync(a => a.CitizenId == child.Id, HttpContext.RequestAborted) is { } existing)
        {
            // An account released when its guardianship ended (no guardian, no password: AccountsFollowRegistry) is
            // taken over by the parent or the new guardian; any other existing account is refused.
            if (existing.GuardianAccountId is not null || existing.PasswordHash is not null || existing.Kind != AccountKind.Citizen)
            {
                return Fail(text["Children.Exists"]);
            }
            (existing.GuardianAccountId, existing.PhoneNumber, existing.PhoneNumberConfirmed) = (me.Id, me.PhoneNumber, me.PhoneNumberConfirmed);
            db.Audit(IdentityAudit.Of($"account:{me.Id}", "account.taken-over.by-guardian", $"account:{existing.Id}",
                "an account released when its guardianship ended, taken over by a parent or guardian", "Decree 69/2024 Art. 7",
                HttpContext.TraceIdentifier, basis));
            return await LinkedAsync(await users.AddPasswordAsync(existing, password));
        }
        var account = new Accounts.Account
        {
            Id = Guid.CreateVersion7(now), UserName = child.PersonalIdNumber, Kind = AccountKind.Citizen, CitizenId = child.Id, Level = AssuranceLevel.Level1,
            GuardianAccountId = me.Id, CreatedAt = now, PhoneNumber = me.PhoneNumber, PhoneNumberConfirmed = me.PhoneNumberConfirmed, LockoutEnabled = true,
        };
        db.Audit(IdentityAudit.Of($"account:{me.Id}", "account.registered.by-guardian", $"citizen:{child.Id}", "registration of a child under 14",
            "Decree 69/2024 Art. 7", HttpContext.TraceIdentifier, basis));
        return await LinkedAsync(await users.CreateAsync(account, password));
    }

    /// <summary>The child's account created or taken over, or the password refused (nothing saved then).</summary>
    private async Task<IActionResult> LinkedAsync(IdentityResult result)
    {
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
        var today = VietnamTime.DayOf(clock.GetUtcNow());
        var mine = me.CitizenId is { } self ? await guardianships.OfGuardianAsync(self, HttpContext.RequestAborted) : [];
        var list = new List<Linked>();
        foreach (var c in children)
        {
            var child = c.CitizenId is { } cid ? await citizens.FindAsync(cid, HttpContext.RequestAborted) : null;
            var relation = child is null || me.CitizenId is not { } myId || child.IsChildOf(myId) ? text["Children.Relation.Parent"].Value
                : mine.LastOrDefault(g => g.WardId == child.Id) is { } g && g.ActiveOn(today)
                    ? string.Format(CultureInfo.CurrentCulture, text["Children.Relation.Guardian"].Value, g.EndsOn is { } ends ? ends.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—")
                : text["Children.Relation.Ended"].Value;
            list.Add(new Linked(c.UserName ?? "", child?.FullName ?? "", relation));
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
