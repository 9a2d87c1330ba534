using Dinh.Identity.Contracts;
using Dinh.Services.Catalogue;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Pages.Admin;

/// <summary>One stored version of a definition, as the administrators' page lists it.</summary>
internal sealed record ProcedureVersionRow(string Code, int Version, DateTimeOffset CreatedAt, string CreatedBy, string Json);

/// <summary>
/// Administrators: the catalogue's definitions with every version, and a new version from pasted or uploaded JSON
/// (validated by the same code as the API; each problem shown with its field). Versions are never edited.
/// </summary>
[Authorize(Roles = StaffRoles.Administrator)]
internal sealed class ProceduresModel(ServicesDbContext db, ProcedureCatalogue catalogue, TimeProvider clock) : PortalPageModel
{
    public IReadOnlyList<ProcedureSpec> Latest { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    public IReadOnlyList<ProcedureVersionRow> Versions { get; private set; } = [];

    [BindProperty]
    public string? Definition { get; set; }

    public string? Added { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(Microsoft.AspNetCore.Http.IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is { Length: > 0 and <= 200_000 })
        {
            using var reader = new StreamReader(file.OpenReadStream());
            Definition = await reader.ReadToEndAsync(cancellationToken);
        }
        var result = (await CatalogueApi.AddVersionFromTextAsync(Definition, HttpContext, db, catalogue, clock, cancellationToken)).Result;
        if (result is Created<ProcedureSummary> created)
        {
            Added = $"{created.Value!.Code} v{created.Value.Version}";
            Code = created.Value.Code;
            Definition = null;
        }
        else
        {
            Show(result);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Latest = (await catalogue.AllLatestAsync(cancellationToken)).OrderBy(s => s.Code, StringComparer.Ordinal).ToList();
        if (!string.IsNullOrWhiteSpace(Code))
        {
            Versions = (await db.Procedures.AsNoTracking().Where(p => p.Code == Code).ToListAsync(cancellationToken))
                .OrderByDescending(p => p.Version).Select(p => new ProcedureVersionRow(p.Code, p.Version, p.CreatedAt, p.CreatedBy, p.Json)).ToList();
        }
    }
}
