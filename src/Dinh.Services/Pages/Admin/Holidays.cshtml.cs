using Dinh.Identity.Contracts;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dinh.Services.Pages.Admin;

/// <summary>Administrators: the holiday table per year (Tết and the other lunar dates change every year), add and remove dates.</summary>
[Authorize(Roles = StaffRoles.Administrator)]
internal sealed class HolidaysModel(ServicesDbContext db, WorkingCalendar calendar) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    public IReadOnlyList<HolidayRequest> Days { get; private set; } = [];

    [BindProperty]
    public HolidayRequest? Holiday { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var result = (await CatalogueApi.PutHolidayAsync(Holiday ?? new HolidayRequest(null, null, null), HttpContext, db, cancellationToken)).Result;
        if (result is Ok<HolidayRequest> added)
        {
            return RedirectToPage(new { year = added.Value!.Date![..4] });
        }
        Show(result);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string date, CancellationToken cancellationToken)
    {
        var result = (await CatalogueApi.DeleteHolidayAsync(date, HttpContext, db, cancellationToken)).Result;
        if (result is ProblemHttpResult problem)
        {
            Show(problem);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Year ??= calendar.Today.Year;
        Days = (await CatalogueApi.HolidaysAsync(Year, db, cancellationToken)).Value!;
    }
}
