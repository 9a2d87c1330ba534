using Dinh.Registry.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dinh.Registry.Pages.Units;

/// <summary>/units: search by code or name on a date. A GET form, so it works without JavaScript and can be bookmarked.</summary>
internal sealed class IndexModel(UnitDirectory directory) : PageModel
{
    [FromQuery(Name = "q")] public string? Query { get; set; }
    [FromQuery(Name = "date")] public string? Date { get; set; }
    [FromQuery(Name = "level")] public string? Level { get; set; }
    [FromQuery(Name = "page")] public int? PageNumber { get; set; }

    public UnitSearchPage? Results { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public DateOnly On { get; private set; }
    public int PageCount => Results is null ? 0 : Math.Max(1, (Results.Total + Results.PageSize - 1) / Results.PageSize);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var (search, errors) = directory.Validate(new UnitSearchRequest(Query, Date, Level, null, PageNumber, null));
        foreach (var (field, error) in errors)
        {
            Errors.TryAdd(field, error.Detail(System.Globalization.CultureInfo.CurrentUICulture));
        }
        On = search?.Date ?? directory.Today;
        Date ??= On.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (search is not null && (search.Query is not null || search.Level is not null))
        {
            Results = await directory.SearchAsync(search, cancellationToken);
        }
    }

    public string PageLink(int page) => Url.Page("/Units/Index", new { q = Query, date = Date, level = Level, page })!;

    public static string ValidText(UnitView unit, IStringLocalizer<UnitsText> text) => unit.ValidTo is { } to
        ? text["Valid.Range", Show(unit.ValidFrom), Show(to)]
        : text["Valid.Since", Show(unit.ValidFrom)];

    public static string Show(DateOnly date) => date.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
