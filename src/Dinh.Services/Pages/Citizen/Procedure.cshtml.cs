using Dinh.Identity.Contracts;
using Dinh.Platform.Web;
using Dinh.Services.Bundles;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Services.Pages.Citizen;

/// <summary>What a procedure needs, and its form: prefilled values locked, the rest typed, submitted through the API's handler.</summary>
internal sealed class ProcedureModel(ProcedureCatalogue catalogue, SignedInCitizens citizens, ApplicationForm form) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public ProcedureSpec? Spec { get; private set; }

    public bool SignedIn { get; private set; }

    public Dictionary<string, string> Values { get; private set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> StepNames { get; } = new(StringComparer.Ordinal);

    public string IdempotencyKey { get; private set; } = Guid.NewGuid().ToString();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var applicant = await LoadAsync(cancellationToken);
        if (Spec is null)
        {
            return Page();
        }
        if (applicant is null)
        {
            return this.SignInOrForbid();
        }
        var typed = Request.Form.Keys.Where(k => k.StartsWith("f.", StringComparison.Ordinal))
            .ToDictionary(k => k[2..], k => (string?)Request.Form[k].FirstOrDefault(), StringComparer.Ordinal);
        foreach (var (name, value) in typed.Where(t => t.Value is not null))
        {
            Values[name] = value!;
        }
        IdempotencyKey = Request.Form["idempotencyKey"].FirstOrDefault() ?? IdempotencyKey;
        var services = HttpContext.RequestServices;
        var db = services.GetRequiredService<ServicesDbContext>();
        var calendar = services.GetRequiredService<WorkingCalendar>();
        var notices = services.GetRequiredService<DossierNotices>();
        var clock = services.GetRequiredService<TimeProvider>();
        string? receipt;
        if (Spec.IsBundle)
        {
            var result = (await SubmitBundle.HandleAsync(new SubmitBundleRequest(Code, typed, Request.Form["optional"].OfType<string>().ToList(), IdempotencyKey),
                HttpContext, db, citizens, catalogue, form, calendar, notices, services.GetRequiredService<BundleSignal>(), clock, cancellationToken)).Result;
            receipt = result switch { Created<BundleView> c => c.Value!.ReceiptCode, Ok<BundleView> o => o.Value!.ReceiptCode, _ => null };
            if (receipt is null)
            {
                Show(result);
                return Page();
            }
        }
        else
        {
            var result = (await SubmitDossier.HandleAsync(new SubmitDossierRequest(Code, typed, IdempotencyKey), HttpContext, db, citizens, catalogue, form,
                calendar, notices, clock, cancellationToken)).Result;
            receipt = result switch { Created<DossierView> c => c.Value!.ReceiptCode, Ok<DossierView> o => o.Value!.ReceiptCode, _ => null };
            if (receipt is null)
            {
                Show(result);
                return Page();
            }
        }
        return Redirect("/citizen/dossiers?receipt=" + Uri.EscapeDataString(receipt));
    }

    private async Task<SignedInCitizen?> LoadAsync(CancellationToken cancellationToken)
    {
        Spec = await catalogue.LatestAsync(Code, cancellationToken);
        if (Spec is null)
        {
            Show(ServicesErrors.Problem(ServicesErrors.ProcedureNotFound));
            return null;
        }
        foreach (var step in Spec.Steps ?? [])
        {
            StepNames[step.Procedure] = (await catalogue.LatestAsync(step.Procedure, cancellationToken))?.Name(Dinh.Platform.Web.Cultures.IsEnglish) ?? step.Procedure;
        }
        var applicant = await citizens.FindAsync(User, cancellationToken);
        SignedIn = applicant is not null;
        if (applicant is not null)
        {
            Values = await form.PrefillAsync(Spec, applicant, cancellationToken);
        }
        return applicant;
    }
}
