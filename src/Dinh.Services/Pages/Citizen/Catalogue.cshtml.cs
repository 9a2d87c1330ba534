using Dinh.Services.Catalogue;
using Microsoft.AspNetCore.Mvc;

namespace Dinh.Services.Pages.Citizen;

internal sealed class CatalogueModel(ProcedureCatalogue catalogue) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<ProcedureSummary> Procedures { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Procedures = (await CatalogueApi.ListAsync(string.IsNullOrWhiteSpace(Q) ? null : Q, catalogue, cancellationToken)).Value!;
}
