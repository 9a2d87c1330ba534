using Dinh.Exchange.Access;
using Dinh.Exchange.HostedRegistries;
using Dinh.Exchange.Persistence;
using Dinh.Identity.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Pages.Account;

/// <summary>
/// "Who used my data" (Estonia's data tracker is the model): every lookup, verification, event and refused attempt
/// about the signed-in citizen, newest first, read from the access log's citizen index; and the consents the
/// citizen may give to members or withdraw. Reads of the citizen's records in agencies' hosted registries are listed
/// apart, named by registry and record, with the changes agencies made to those records, from the same data GovStack's
/// MyPersonalDataUsage answers with.
/// </summary>
[Authorize(AuthenticationSchemes = SignedInCitizens.Scheme)]
internal sealed class DataUsageModel(ExchangeDbContext db, HostedRegistriesDbContext registries, SignedInCitizens citizens, CitizenConsents consents)
    : PageModel
{
    public const int PageSize = 200;

    public IReadOnlyList<AccessLogEntry> Entries { get; private set; } = [];
    public IReadOnlyList<RegistryUse> RegistryUses { get; private set; } = [];
    public IReadOnlyList<CitizenConsents.ConsentOption> Consents { get; private set; } = [];
    public bool NotACitizen { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        // Post/redirect/get: a reload shows the result again without sending the form twice.
        Message = done switch { "given" => "Consent.Given", "withdrawn" => "Consent.Withdrawn", _ => null };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostConsentAsync(Guid memberId, string purpose, bool give)
    {
        if (await citizens.CitizenIdAsync(User, HttpContext.RequestAborted) is not { } citizenId)
        {
            return Forbid();
        }
        var done = give
            ? await consents.GiveAsync(citizenId, memberId, purpose ?? "", HttpContext.RequestAborted)
            : await consents.WithdrawAsync(citizenId, memberId, purpose ?? "", HttpContext.RequestAborted);
        if (done)
        {
            return RedirectToPage(new { done = give ? "given" : "withdrawn" });
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Message = "Consent.Unknown";
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        if (await citizens.CitizenIdAsync(User, HttpContext.RequestAborted) is not { } citizenId)
        {
            NotACitizen = true;
            return;
        }
        RegistryUses = await PersonalDataUsage.ForCitizenAsync(db, registries, citizenId, registryCode: null, withChanges: true, HttpContext.RequestAborted);
        var inRegistries = RegistryUses.Select(u => u.Entry.Id).ToHashSet();
        Entries = [.. (await db.AccessLog.AsNoTracking().Where(e => e.CitizenId == citizenId)
            // Ids are UUID v7: ordered by time on both providers (SQLite cannot order by DateTimeOffset).
            .OrderByDescending(e => e.Id).Take(PageSize).ToListAsync(HttpContext.RequestAborted)).Where(e => !inRegistries.Contains(e.Id))];
        Consents = await consents.OptionsAsync(citizenId, HttpContext.RequestAborted);
    }
}
