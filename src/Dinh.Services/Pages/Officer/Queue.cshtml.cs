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
        return Page();
    }
}
