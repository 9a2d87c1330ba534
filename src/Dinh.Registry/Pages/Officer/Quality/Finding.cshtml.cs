using System.Globalization;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Dinh.Registry.Quality;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Dinh.Registry.Pages.Officer.Quality;

/// <summary>One finding with its records, and the steward's decisions; each form runs the API's handler.</summary>
internal sealed class FindingModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock, IStringLocalizer<QualityText> text) : OfficerPageModel
{
    public FindingReview? Review { get; private set; }

    public string Purpose => text["Purpose"].Value;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) => SignInFirst() ?? await LoadAsync(id, cancellationToken);

    public async Task<IActionResult> OnPostDismissAsync(long id, CancellationToken cancellationToken) =>
        SignInFirst() ?? await AfterAsync(id, (await QualityApi.DismissAsync(id, new ReviewRequest(Value("note"), Purpose), HttpContext, db, access, clock,
            cancellationToken)).Result, cancellationToken);

    public async Task<IActionResult> OnPostResolveAsync(long id, CancellationToken cancellationToken) =>
        SignInFirst() ?? await AfterAsync(id, (await QualityApi.ResolveAsync(id, new ReviewRequest(Value("note"), Purpose), HttpContext, db, access, clock,
            cancellationToken)).Result, cancellationToken);

    public async Task<IActionResult> OnPostMergeAsync(long id, CancellationToken cancellationToken)
    {
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        Guid? survivor = Guid.TryParse(Value("survivorId"), out var s) ? s : null;
        var request = new MergeRequest(survivor, Number("survivorVersion." + survivor), Number("mergedVersion." + survivor), Purpose, Value("legalBasis"), Value("note"));
        return await AfterAsync(id, (await QualityApi.MergeAsync(id, request, HttpContext, db, access, clock, cancellationToken)).Result, cancellationToken);
    }

    private int? Number(string field) => int.TryParse(Value(field), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private async Task<IActionResult> AfterAsync(long id, IResult result, CancellationToken cancellationToken)
    {
        if (result is Ok<FindingView>)
        {
            return Redirect($"/officer/quality/{id.ToString(CultureInfo.InvariantCulture)}");
        }
        var shown = Show(result);
        var status = Response.StatusCode;
        await LoadAsync(id, cancellationToken);
        Response.StatusCode = status;
        return shown;
    }

    private async Task<IActionResult> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var result = await QualityApi.ReviewAsync(id, Purpose, HttpContext, db, access, cancellationToken);
        if (result.Result is not Ok<FindingReview> ok)
        {
            return Show(result.Result);
        }
        Review = ok.Value;
        return Page();
    }
}
