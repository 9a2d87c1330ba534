using System.Security.Claims;
using Dinh.Identity.Accounts;
using Dinh.Identity.Contracts;
using Dinh.Identity.Level2;
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
/// The office's open level-2 applications, earliest due first, flagged overdue or due soon (Decree 69/2024 Art. 13);
/// the officer completes one (the device's late answer, or the new card read from its chip) or refuses it with a reason.
/// Officers see the offices of their jurisdiction: a commune its own, a province its communes, the national level all.
/// </summary>
internal sealed class Level2QueueModel(AccountsDbContext db, CitizenDirectory citizens, OfficerDirectory officers, RaiseToLevel2 raise,
    IWorkingDayCalendar calendar, TimeProvider clock, IStringLocalizer<IdentityText> text) : PageModel
{
    private const int Shown = 200;

    public sealed record Row(Level2Application Application, CitizenIdentity? Citizen, DeadlineUrgency Urgency);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        if (!RaiseToLevel2.IsPolice(officer))
        {
            return Forbid();
        }
        await LoadAsync(officer);
        return Page();
    }

    public async Task<IActionResult> OnPostCompleteAsync(Guid id, string? cardNumber, bool chipRead)
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        var outcome = await raise.CompleteAsync(id, officer, cardNumber, chipRead, HttpContext.TraceIdentifier, HttpContext.RequestAborted);
        Answer(outcome.Refusal, text["Queue.Completed"]);
        await LoadAsync(officer);
        return Page();
    }

    public async Task<IActionResult> OnPostRefuseAsync(Guid id, string? reason)
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            Error = text["Eid.ReasonRequired"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            var outcome = await raise.RefuseAsync(id, officer, reason.Trim(), HttpContext.TraceIdentifier, HttpContext.RequestAborted);
            Answer(outcome.Refusal, text["Queue.Refused"]);
        }
        await LoadAsync(officer);
        return Page();
    }

    private void Answer(Level2Refusal refusal, string done)
    {
        if (refusal == Level2Refusal.None)
        {
            Message = done;
            return;
        }
        Error = text["Eid.Refused." + refusal];
        Response.StatusCode = refusal is Level2Refusal.NotPolice or Level2Refusal.OtherOffice ? StatusCodes.Status403Forbidden
            : refusal == Level2Refusal.ApplicationDecided ? StatusCodes.Status409Conflict
            : StatusCodes.Status400BadRequest;
    }

    private async Task<Registry.Officers.Officer?> OfficerAsync() =>
        Guid.TryParse(User.FindFirstValue("dinh:officer"), out var id) ? await officers.FindAsync(id, HttpContext.RequestAborted) : null;

    private async Task LoadAsync(Registry.Officers.Officer officer)
    {
        var cancellationToken = HttpContext.RequestAborted;
        var open = db.Level2Applications.AsNoTracking().Where(a => a.Status == Level2ApplicationStatus.Open);
        if (await raise.OfficesAsync(officer, cancellationToken) is { } offices)
        {
            open = open.Where(a => offices.Contains(a.OfficeUnitCode!));
        }
        var applications = await open.OrderBy(a => a.DueOn).ThenBy(a => a.Id).Take(Shown).ToListAsync(cancellationToken);
        var today = VietnamTime.DayOf(clock.GetUtcNow());
        var next = await calendar.DueAsync(today, 1, cancellationToken);
        var rows = new List<Row>(applications.Count);
        foreach (var application in applications)
        {
            rows.Add(new Row(application, await citizens.FindAsync(application.CitizenId, cancellationToken), application.UrgencyOn(today, next)));
        }
        Rows = rows;
        if (rows.Count > 0)
        {
            // The queue shows names and ID numbers: the read is recorded like a look-up at the counter.
            db.Audit(IdentityAudit.Of($"officer:{officer.Id}", "eid.level2.queue.viewed", $"office:{officer.JurisdictionCode ?? "national"}",
                "e-ID level 2 applications", "Decree 69/2024 Art. 13", HttpContext.TraceIdentifier, $"{rows.Count} applications"));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
