using System.Globalization;
using System.Security.Claims;
using Dinh.Identity.Accounts;
using Dinh.Identity.Level2;
using Dinh.Identity.Locks;
using Dinh.Identity.Persistence;
using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Officer;

/// <summary>
/// The police counter: find the citizen by personal ID number, check the chip card and the biometric device's
/// answer, raise the account to level 2; file a request to lock or unlock an account, with a ground and a reason, for
/// the C06 to decide (Decree 69/2024 Art. 10, 15).
/// </summary>
internal sealed class EidModel(AccountsDbContext db, CitizenDirectory citizens, OfficerDirectory officers, RaiseToLevel2 raise,
    LockRequests locks, IStringLocalizer<IdentityText> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    public CitizenIdentity? Citizen { get; private set; }
    public Accounts.Account? Account { get; private set; }
    public Level2Application? Application { get; private set; }
    public AccountLockRequest? LockRequest { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public bool Searched { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await OfficerAsync() is null)
        {
            return this.SignInOrForbid();
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRaiseAsync(string? cardNumber, bool chipRead, string? faceCapture, string? fingerprintCapture, bool citizenConfirmed, string? phone,
        bool withCardIssuance)
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        await LoadAsync();
        if (Citizen is null)
        {
            return Page();
        }
        var (refusal, account, application) = await raise.RunAsync(Citizen, officer,
            new Level2Request(cardNumber ?? "", chipRead, faceCapture, fingerprintCapture, citizenConfirmed, phone, withCardIssuance),
            HttpContext.TraceIdentifier, HttpContext.RequestAborted);
        (Account, Application) = (account, application is { IsOpen: true } ? application : null);
        if (refusal == Level2Refusal.None)
        {
            Message = application is null ? text["Eid.Raised"] : string.Format(CultureInfo.CurrentCulture, text["Eid.Received"], application.DueOn, application.TimeLimitWorkingDays);
        }
        else
        {
            Error = text["Eid.Refused." + refusal];
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }

    /// <summary>Files a request to lock (an open account) or unlock (a police lock); the C06 decides it (Decree 69/2024 Art. 15).</summary>
    public async Task<IActionResult> OnPostRequestLockAsync(LockGround ground, string? reason, string? lockEndsOn)
    {
        if (await OfficerAsync() is not { } officer)
        {
            return this.SignInOrForbid();
        }
        await LoadAsync();
        if (Account is null)
        {
            return Page();
        }
        DateOnly? ends = null;
        if (!string.IsNullOrWhiteSpace(lockEndsOn))
        {
            if (!DateOnly.TryParseExact(lockEndsOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return Refused(LockRequestRefusal.EndDateInvalid);
            }
            ends = parsed;
        }
        var (refusal, request) = await locks.FileAsync(officer, Account.Id, ground, reason, ends, HttpContext.TraceIdentifier, HttpContext.RequestAborted);
        if (refusal != LockRequestRefusal.None)
        {
            return Refused(refusal);
        }
        LockRequest = request;
        Message = string.Format(CultureInfo.CurrentCulture, text["Locks.Filed." + request!.Kind], request.DueOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return Page();
    }

    private PageResult Refused(LockRequestRefusal refusal)
    {
        Error = text["Locks.Refused." + refusal];
        Response.StatusCode = LockQueueModel.StatusOf(refusal);
        return Page();
    }

    private async Task<Registry.Officers.Officer?> OfficerAsync() =>
        Guid.TryParse(User.FindFirstValue("dinh:officer"), out var id) ? await officers.FindAsync(id, HttpContext.RequestAborted) : null;

    private async Task LoadAsync()
    {
        if (string.IsNullOrWhiteSpace(Number))
        {
            return;
        }
        Searched = true;
        Citizen = await citizens.FindByNumberAsync(Number.Trim(), HttpContext.RequestAborted);
        if (Citizen is not null)
        {
            Account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.CitizenId == Citizen.Id, HttpContext.RequestAborted);
            LockRequest = Account is null ? null : await locks.OpenForAsync(Account.Id, HttpContext.RequestAborted);
            Application = await db.Level2Applications.AsNoTracking()
                .FirstOrDefaultAsync(a => a.CitizenId == Citizen.Id && a.Status == Level2ApplicationStatus.Open, HttpContext.RequestAborted);
            db.Audit(IdentityAudit.Of($"officer:{User.FindFirstValue("dinh:officer")}", "eid.citizen.viewed", $"citizen:{Citizen.Id}",
                "e-ID counter", "Decree 69/2024 Art. 10", HttpContext.TraceIdentifier, null));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
        }
    }
}
