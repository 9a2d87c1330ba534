using Dinh.Platform.Auditing;
using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Dinh.Registry.Pages.Officer.Citizens;

internal sealed class IndexModel(RegistryDbContext db, RegistryAccess access, ReadAudit<RegistryDbContext> reads, CitizenLookups lookups,
    IStringLocalizer<CitizensText> text)
    : OfficerPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? DateOfBirth { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Purpose { get; set; }

    // From the query only: Razor Pages keeps its own route value named "page" (the page's path), which a
    // [BindProperty] of that name reads first and cannot convert, so every page was the first.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public ResultPage<CitizenSummary>? Results { get; private set; }

    public IReadOnlyList<(string Value, string Text)> Purposes =>
        PurposeKeys.Select(k => (text[k].Value, text[k].Value)).ToList();

    public int PageCount => Results is null ? 0 : Math.Max(1, (Results.Total + Results.PageSize - 1) / Results.PageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        if (string.IsNullOrWhiteSpace(Number) && string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Unit))
        {
            return Page();
        }
        var (results, errors) = await SearchCitizens.RunAsync(new CitizenSearch(Number, Name, DateOfBirth, Unit, Purpose, PageNumber, 20),
            HttpContext, Officer!, db, access, reads, lookups, cancellationToken);
        if (results is null)
        {
            return Show(errors.ToProblem());
        }
        Results = results;
        return Page();
    }

    public string PageLink(int page) => "/officer/citizens?" + string.Join("&", new[]
    {
        ("number", Number), ("name", Name), ("dateOfBirth", DateOfBirth), ("unit", Unit), ("purpose", Purpose),
        ("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
}
