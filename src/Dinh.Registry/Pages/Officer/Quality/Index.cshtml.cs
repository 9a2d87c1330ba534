using System.Globalization;
using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Dinh.Registry.Quality;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Dinh.Registry.Pages.Officer.Quality;

/// <summary>The findings worklist: the same query as GET /api/registry/quality/findings, and a button that runs the checks.</summary>
internal sealed class IndexModel(RegistryDbContext db, RegistryAccess access, QualityCheck check, IStringLocalizer<QualityText> text) : OfficerPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; } = "Open";

    [BindProperty(SupportsGet = true)]
    public string? Unit { get; set; }

    // From the query only: Razor Pages keeps its own route value named "page" (the page's path), which a
    // [BindProperty] of that name reads first and cannot convert, so every page was the first.
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public ResultPage<FindingView>? Results { get; private set; }

    public QualityRunResult? LastRun { get; private set; }

    public static IReadOnlyList<string> Kinds => Enum.GetValues<FindingKind>().Select(QualityCheck.KindKey).ToList();

    public static IReadOnlyList<string> Statuses => Enum.GetNames<FindingStatus>();

    public int PageCount => Results is null ? 0 : Math.Max(1, (Results.Total + Results.PageSize - 1) / Results.PageSize);

    public string Purpose => text["Purpose"].Value;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        return await ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRunAsync(CancellationToken cancellationToken)
    {
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        var result = await QualityApi.RunAsync(new QualityRunRequest(Unit, Purpose), HttpContext, access, check, cancellationToken);
        if (result.Result is not Ok<QualityRunResult> ok)
        {
            return Show(result.Result);
        }
        LastRun = ok.Value;
        return await ListAsync(cancellationToken);
    }

    private async Task<IActionResult> ListAsync(CancellationToken cancellationToken)
    {
        var (results, errors) = await QualityApi.QueryAsync(new FindingSearch(Kind, Status, Unit, PageNumber, 20), Officer!, db, access, cancellationToken);
        if (results is null)
        {
            return Show(errors.ToProblem());
        }
        Results = results;
        return Page();
    }

    public string PageLink(int page) => "/officer/quality?" + string.Join("&", new[]
    {
        ("kind", Kind), ("status", Status), ("unit", Unit), ("page", page.ToString(CultureInfo.InvariantCulture)),
    }.Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public static string FindingLink(long id) => $"/officer/quality/{id.ToString(CultureInfo.InvariantCulture)}";
}
