using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Persistence;
using Dinh.Services.Processing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dinh.Services.Pages.Officer;

internal sealed class QueueModel(ServicesDbContext db, OfficerJurisdictions jurisdictions, WorkingCalendar calendar, ProcedureCatalogue catalogue) : PortalPageModel
{
    public IReadOnlyList<QueueItem> Items { get; private set; } = [];

    public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

    /// <summary>Who holds each dossier, as this officer sees it: a dossier whose claimant can no longer act is flagged for take-over.</summary>
    public Dictionary<Guid, ClaimState> Claims { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if ((await ProcessDossier.QueueAsync(HttpContext, db, jurisdictions, calendar, cancellationToken)).Result is not Ok<List<QueueItem>> queue)
        {
            return this.SignInOrForbid();
        }
        Items = queue.Value!;
        foreach (var code in Items.Select(i => i.ProcedureCode).Distinct())
        {
            Names[code] = (await catalogue.LatestAsync(code, cancellationToken))?.Name(Dinh.Platform.Web.Cultures.IsEnglish) ?? code;
        }
        var me = OfficerPrincipal.From(User)!;
        var canAct = new Dictionary<(Guid, string), bool>();
        foreach (var item in Items)
        {
            if (item.ClaimedBy is not { } claimant)
            {
                Claims[item.Id] = ClaimState.Nobody;
                continue;
            }
            if (claimant == me.Id)
            {
                Claims[item.Id] = ClaimState.Me;
                continue;
            }
            // One check per claimant and commune: a queue holds few of either.
            if (!canAct.TryGetValue((claimant, item.UnitCode), out var can))
            {
                can = await ProcessDossier.ClaimantCanActAsync(claimant, me.Role, item.UnitCode, HttpContext.RequestServices,
                    jurisdictions, cancellationToken);
                canAct[(claimant, item.UnitCode)] = can;
            }
            Claims[item.Id] = can ? ClaimState.Colleague : ClaimState.Gone;
        }
        return Page();
    }
}
