using Dinh.Identity.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Admin;

/// <summary>
/// Officers' and administrators' accounts: an administrator creates one, resets the second factor of one who lost their
/// authenticator or issues a one-time password to one who forgot theirs, corrects the name shown, moves an officer to
/// another role or jurisdiction, and deactivates or reactivates an account (<see cref="StaffAccounts"/>). Every change is audited, and
/// every change to an existing account takes a reason.
/// </summary>
[Authorize(Policy = IdentityPolicies.Administrator)]
internal sealed class StaffModel(Persistence.AccountsDbContext db, StaffTotpReset reset, StaffAccounts staff, Registry.Contracts.OfficerDirectory officers,
    IStringLocalizer<IdentityText> text) : PageModel
{
    public sealed record Row(Guid Id, string Login, string? Name, AccountKind Kind, bool TwoFactor, AccountLock Lock, DateTimeOffset? LockedAt,
        string? LockReason, Registry.Officers.Officer? Officer);

    public const int PageSize = 50;

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>Part of a login or of a name; the list shows the accounts that contain it.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    /// <summary>active, deactivated, or empty for every account.</summary>
    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    // From the query only: Razor Pages keeps its own route value named "page" (the page's path), which a
    // [BindProperty] of that name reads first and cannot convert, so every page was the first.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public int Total { get; private set; }

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public string PageLink(int page) => "/admin/staff?" + string.Join("&", new[]
    {
        Query is { Length: > 0 } q ? "q=" + Uri.EscapeDataString(q) : null,
        State is "active" or "deactivated" ? "state=" + State : null,
        "page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.OfType<string>());

    public Guid? Me { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The row and form of a refused change, which the page shows open with the error.</summary>
    public (Guid Id, string Form)? Refused { get; private set; }

    /// <summary>The current names of the officers' jurisdiction units, by code.</summary>
    public IReadOnlyDictionary<string, string> UnitNames { get; private set; } = new Dictionary<string, string>();

    public bool IsOpen(Guid id, string form) => Refused is { } refused && refused.Id == id && refused.Form == form;

    /// <summary>The account just created, or given a new one-time password: shown in this one response only.</summary>
    public NewStaffAccount? Created { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? login, string? name, string? kind, string? role, string? level, string? unit)
    {
        if (AccountCookie.AccountId(User) is not { } me)
        {
            return Challenge();
        }
        var administrator = kind == "Administrator";
        var (refusal, created) = await staff.CreateAsync(login, name, administrator ? AccountKind.Administrator : AccountKind.Officer,
            StaffAccounts.ByName<Registry.Officers.OfficerRole>(role), StaffAccounts.ByName<Registry.Officers.JurisdictionLevel>(level), unit, issueTotpKey: false, me, HttpContext.TraceIdentifier,
            HttpContext.RequestAborted);
        Created = created;
        // The password and the key are in this page: no cache, no proxy may keep it.
        Response.Headers.CacheControl = "no-store";
        return await AnswerAsync(Guid.Empty, refusal, "create", "Staff.CreateDone", "Staff.Refused.Self");
    }

    public async Task<IActionResult> OnPostResetAsync(Guid id, string? reason)
    {
        if (AccountCookie.AccountId(User) is not { } me)
        {
            return Challenge();
        }
        var refusal = await reset.ResetAsync(id, me, reason, HttpContext.TraceIdentifier);
        return await AnswerAsync(id, refusal switch
        {
            TotpResetRefusal.None => StaffChangeRefusal.None,
            TotpResetRefusal.NotStaff => StaffChangeRefusal.NotStaff,
            TotpResetRefusal.Self => StaffChangeRefusal.Self,
            _ => StaffChangeRefusal.ReasonRequired,
        }, "reset", "Staff.ResetDone", "Staff.Refused.Self");
    }

    public async Task<IActionResult> OnPostReissueAsync(Guid id, string? reason)
    {
        if (AccountCookie.AccountId(User) is not { } me)
        {
            return Challenge();
        }
        var (refusal, password) = await staff.ReissuePasswordAsync(id, me, reason, HttpContext.TraceIdentifier);
        if (password is not null)
        {
            var login = await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.UserName).FirstAsync(HttpContext.RequestAborted);
            Created = new NewStaffAccount(id, login!, password, null);
            Response.Headers.CacheControl = "no-store";
        }
        return await AnswerAsync(id, refusal, "reissue", "Staff.ResetDone", "Staff.Refused.Self");
    }

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id, string? reason) =>
        AccountCookie.AccountId(User) is not { } me ? Challenge()
        : await AnswerAsync(id, await staff.DeactivateAsync(id, me, reason, HttpContext.TraceIdentifier), "state", "Staff.DeactivateDone", "Staff.Refused.SelfDeactivate");

    public async Task<IActionResult> OnPostReactivateAsync(Guid id, string? reason) =>
        AccountCookie.AccountId(User) is not { } me ? Challenge()
        : await AnswerAsync(id, await staff.ReactivateAsync(id, me, reason, HttpContext.TraceIdentifier), "state", "Staff.ReactivateDone", "Staff.Refused.Self");

    public async Task<IActionResult> OnPostAssignAsync(Guid id, string? role, string? level, string? unit, string? reason)
    {
        if (AccountCookie.AccountId(User) is not { } me)
        {
            return Challenge();
        }
        var refusal = StaffAccounts.ByName<Registry.Officers.OfficerRole>(role) is not { } officerRole ? StaffChangeRefusal.RoleUnknown
            : StaffAccounts.ByName<Registry.Officers.JurisdictionLevel>(level) is not { } jurisdiction ? StaffChangeRefusal.UnitUnknown
            : await staff.AssignAsync(id, me, officerRole, jurisdiction, unit, reason, HttpContext.TraceIdentifier, HttpContext.RequestAborted);
        return await AnswerAsync(id, refusal, "assign", "Staff.AssignDone", "Staff.Refused.NotOfficer");
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid id, string? name, string? reason) =>
        AccountCookie.AccountId(User) is not { } me ? Challenge()
        : await AnswerAsync(id, await staff.RenameAsync(id, me, name, reason, HttpContext.TraceIdentifier, HttpContext.RequestAborted), "rename",
            "Staff.RenameDone", "Staff.Refused.Self", unchanged: "Staff.Refused.NameUnchanged");

    /// <param name="self">The message when the change was refused as one the administrator may not make to their own account.</param>
    /// <param name="unchanged">The message when the change would change nothing.</param>
    private async Task<IActionResult> AnswerAsync(Guid id, StaffChangeRefusal refusal, string form, string done, string self,
        string unchanged = "Staff.Refused.Unchanged")
    {
        if (refusal == StaffChangeRefusal.None)
        {
            // A new account's own panel says it all.
            Message = Created is null ? text[done].Value : null;
        }
        else
        {
            Refused = (id, form);
            Error = text[refusal switch
            {
                StaffChangeRefusal.Self => self,
                StaffChangeRefusal.Unchanged => unchanged,
                _ => "Staff.Refused." + refusal,
            }];
            Response.StatusCode = refusal switch
            {
                StaffChangeRefusal.NotStaff => StatusCodes.Status404NotFound,
                StaffChangeRefusal.Conflict => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            };
        }
        // The list then shows the account the change was about, wherever it was in the list.
        var changed = Created?.Id ?? id;
        Query = await db.Accounts.AsNoTracking().Where(a => a.Id == changed && (a.Kind == AccountKind.Officer || a.Kind == AccountKind.Administrator))
            .Select(a => a.UserName).FirstOrDefaultAsync(HttpContext.RequestAborted) ?? Query;
        State = null;
        PageNumber = 1;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Me = AccountCookie.AccountId(User);
        var query = db.Accounts.AsNoTracking().Where(a => a.Kind == AccountKind.Officer || a.Kind == AccountKind.Administrator);
        // Names are stored in NFC (StaffAccounts): a name typed decomposed, as some Vietnamese keyboards send it, is composed to match.
        if (Query?.Trim().Normalize(System.Text.NormalizationForm.FormC) is { Length: > 0 and <= 200 } q)
        {
            var login = q.ToUpperInvariant();
            query = query.Where(a => a.NormalizedUserName!.Contains(login) || a.DisplayName!.Contains(q));
        }
        query = State switch
        {
            "active" => query.Where(a => a.Lock == AccountLock.None),
            "deactivated" => query.Where(a => a.Lock == AccountLock.Deactivated),
            _ => query,
        };
        Total = await query.CountAsync(HttpContext.RequestAborted);
        PageNumber = Math.Clamp(PageNumber, 1, PageCount);
        var accounts = await query.OrderBy(a => a.UserName).Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(a => new { a.Id, a.UserName, a.DisplayName, a.Kind, a.TwoFactorEnabled, a.Lock, a.LockedAt, a.LockReason })
            .ToListAsync(HttpContext.RequestAborted);
        var directory = await officers.FindAllAsync(accounts.Where(a => a.Kind == AccountKind.Officer).Select(a => a.Id).ToList(), HttpContext.RequestAborted);
        UnitNames = await officers.UnitNamesAsync(directory.Values.Select(o => o.JurisdictionCode).OfType<string>().Distinct().ToList(), HttpContext.RequestAborted);
        Rows = accounts.Select(a => new Row(a.Id, a.UserName ?? "", a.DisplayName, a.Kind, a.TwoFactorEnabled, a.Lock, a.LockedAt, a.LockReason,
            directory.GetValueOrDefault(a.Id))).ToList();
    }
}
