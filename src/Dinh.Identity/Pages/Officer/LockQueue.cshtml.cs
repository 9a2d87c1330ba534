using System.Security.Claims;
using Dinh.Identity.Accounts;
using Dinh.Identity.Contracts;
using Dinh.Identity.Locks;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Officer;

/// <summary>
/// Open lock and unlock requests, earliest due first, flagged overdue or due soon (Decree 69/2024 Art. 15: decided
/// within 2 working days). The national identity administration (C06) approves or refuses them with a reason; the
/// police who file see their own office's open requests and where they stand.
/// </summary>
internal sealed class LockQueueModel(AccountsDbContext db, CitizenDirectory citizens, OfficerDirectory officers, LockRequests locks,
    IWorkingDayCalendar calendar, TimeProvider clock, IStringLocalizer<IdentityText> text) : PageModel
{
    private const int Shown = 200;

    public sealed record Row(AccountLockRequest Request, CitizenIdentity? Citizen, DeadlineUrgency Urgency);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public bool Decides { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public static int StatusOf(LockRequestRefusal refusal) => refusal switch
    {
        LockRequestRefusal.NotPolice or LockRequestRefusal.NotDecider or LockRequestRefusal.OwnRequest => StatusCodes.Status403Forbidden,
        LockRequestRefusal.RequestDecided or LockRequestRefusal.RequestOpen or LockRequestRefusal.AccountState => StatusCodes.Status409Conflict,
        LockRequestRefusal.NoAccount => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status400BadRequest,
    };

    public async Task<IActionResult> OnGetAsync()
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        if (!LockRequests.MayDecide(officer) && !LockRequests.MayFile(officer))
        {
            return Forbid();
        }
        await LoadAsync(officer);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid id)
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        Answer(await locks.ApproveAsync(id, officer, HttpContext.TraceIdentifier, HttpContext.RequestAborted), text["Locks.Approved"]);
        await LoadAsync(officer);
        return Page();
    }

    public async Task<IActionResult> OnPostRefuseAsync(Guid id, string? reason)
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        Answer(await locks.RefuseAsync(id, officer, reason, HttpContext.TraceIdentifier, HttpContext.RequestAborted), text["Locks.RefusedDone"]);
        await LoadAsync(officer);
        return Page();
    }

    private void Answer(LockRequestRefusal refusal, string done)
    {
        if (refusal == LockRequestRefusal.None)
        {
            Message = done;
            return;
        }
        Error = text["Locks.Refused." + refusal];
        Response.StatusCode = StatusOf(refusal);
    }

    private async Task<Registry.Officers.Officer?> OfficerAsync() =>
        Guid.TryParse(User.FindFirstValue("dinh:officer"), out var id) ? await officers.FindAsync(id, HttpContext.RequestAborted) : null;

    private async Task LoadAsync(Registry.Officers.Officer officer)
    {
        var cancellationToken = HttpContext.RequestAborted;
        Decides = LockRequests.MayDecide(officer);
        var open = db.LockRequests.AsNoTracking().Where(r => r.Status == LockRequestStatus.Open);
        if (!Decides)
        {
            open = open.Where(r => r.OfficeUnitCode == officer.JurisdictionCode);
        }
        var requests = await open.OrderBy(r => r.DueOn).ThenBy(r => r.Id).Take(Shown).ToListAsync(cancellationToken);
        var accountIds = requests.Select(r => r.AccountId).ToList();
        var citizenOf = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.CitizenId, cancellationToken);
        var today = VietnamTime.DayOf(clock.GetUtcNow());
        var next = await calendar.DueAsync(today, 1, cancellationToken);
        var rows = new List<Row>(requests.Count);
        foreach (var request in requests)
        {
            var citizen = citizenOf.GetValueOrDefault(request.AccountId) is { } citizenId ? await citizens.FindAsync(citizenId, cancellationToken) : null;
            rows.Add(new Row(request, citizen, request.UrgencyOn(today, next)));
        }
        Rows = rows;
        if (rows.Count > 0)
        {
            // The queue shows names and ID numbers: the read is recorded like a look-up at the counter.
            db.Audit(IdentityAudit.Of($"officer:{officer.Id}", "eid.lock-requests.viewed", $"office:{officer.JurisdictionCode ?? "national"}",
                "e-ID lock and unlock requests", LockRequests.LegalBasis, HttpContext.TraceIdentifier, $"{rows.Count} requests"));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
