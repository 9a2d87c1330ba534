using Dinh.Registry.Units;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Registry.Pages.Units;

/// <summary>/units/{code}: one unit on a date, with its parent chain and the units under it.</summary>
internal sealed class UnitModel(UnitDirectory directory) : PageModel
{
    [FromRoute(Name = "code")] public string Code { get; set; } = "";
    [FromQuery(Name = "date")] public string? Date { get; set; }

    public UnitDetail? Detail { get; private set; }
    public string? DateError { get; private set; }
    public DateOnly On { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var errors = new List<(string Field, Dinh.Platform.Problems.ErrorDefinition Error)>();
        On = directory.ParseDate(Date, errors);
        DateError = errors.Count > 0 ? errors[0].Error.Detail(System.Globalization.CultureInfo.CurrentUICulture) : null;
        Date = On.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Detail = UnitDirectory.IsCode(Code) ? await directory.FindAsync(Code, On, null, cancellationToken) : null;
        if (Detail is null)
        {
            // The page still renders (with the date picker), so a visitor can try another date: codes change meaning over time.
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }
}
