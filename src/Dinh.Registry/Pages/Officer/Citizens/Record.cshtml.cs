using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Dinh.Registry.Pages.Officer.Citizens;

/// <summary>A citizen's record, household and timeline. Opening it is an audited read, so it needs a purpose.</summary>
internal sealed class RecordModel(RegistryDbContext db, RegistryAccess access, IStringLocalizer<CitizensText> text) : OfficerPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Purpose { get; set; }

    public CitizenView? Citizen { get; private set; }

    public ResultPage<TimelineEntry>? Timeline { get; private set; }

    public IReadOnlyList<(string Value, string Text)> Purposes => PurposeKeys.Select(k => (text[k].Value, text[k].Value)).ToList();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        if (string.IsNullOrWhiteSpace(Purpose))
        {
            return Page();
        }
        var result = await GetCitizen.HandleAsync(id, Purpose, HttpContext, db, access, cancellationToken);
        if (result.Result is not Ok<CitizenView> ok)
        {
            return Show(result.Result);
        }
        Citizen = ok.Value;
        Timeline = await CitizenTimeline.PageAsync(db, id, 1, 100, cancellationToken);
        return Page();
    }

    public string Link(string action) => $"/officer/citizens/{Citizen!.Id}/{action}?purpose={Uri.EscapeDataString(Purpose ?? "")}";
}
