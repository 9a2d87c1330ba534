using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Dinh.Services.Bundles;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Dinh.Services.Processing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Services.Pages.Officer;

/// <summary>One dossier for the officer: its data and history, and the decisions the state allows, through the API's handler.</summary>
internal sealed class DossierModel(ServicesDbContext db, OfficerJurisdictions jurisdictions, ProcedureCatalogue catalogue, WorkingCalendar calendar) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public string? Reason { get; private set; }

    public DossierView? Dossier { get; private set; }

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>For a data-subject correction request: the registry's correction page for the applicant, with the dossier as legal basis.</summary>
    public string? CorrectionPath { get; private set; }

    /// <summary>Who holds the dossier, as this officer sees it.</summary>
    public ClaimState Claim { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? decision, int? version, string? reason, CancellationToken cancellationToken)
    {
        if (OfficerPrincipal.From(User) is null)
        {
            return this.SignInOrForbid();
        }
        Reason = reason;
        var services = HttpContext.RequestServices;
        var action = decision is "accept" or "approve" or "supplement" or "reject" or "release" or "take-over" ? decision : "claim";
        var result = (await ProcessDossier.DecideAsync(Id, action, new DecisionRequest(version, reason), HttpContext, db, jurisdictions, catalogue, calendar,
            services.GetRequiredService<RegistryEffects>(), services.GetRequiredService<DossierNotices>(), services.GetRequiredService<BundleSignal>(),
            services.GetRequiredService<TimeProvider>(), cancellationToken)).Result;
        if (result is Ok<DossierView> ok)
        {
            return Redirect($"/officer/dossiers/{Id}?done={ok.Value!.Status}");
        }
        Show(result);
        db.ChangeTracker.Clear();
        return await LoadAsync(cancellationToken, keepStatus: true);
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken, bool keepStatus = false)
    {
        if (OfficerPrincipal.From(User) is null)
        {
            return this.SignInOrForbid();
        }
        var status = Response.StatusCode;
        var result = (await ProcessDossier.GetAsync(Id, HttpContext, db, jurisdictions, catalogue, calendar, cancellationToken)).Result;
        if (result is Ok<DossierView> ok)
        {
            Dossier = ok.Value;
            Claim = Dossier!.ClaimedBy is not { } claimant ? ClaimState.Nobody
                : claimant == OfficerPrincipal.From(User)!.Id ? ClaimState.Me
                : await ProcessDossier.ClaimantCanActAsync(claimant, Enum.Parse<Registry.Officers.OfficerRole>(Dossier.Agency), Dossier.UnitCode,
                    HttpContext.RequestServices, jurisdictions, cancellationToken) ? ClaimState.Colleague
                : ClaimState.Gone;
            var spec = await catalogue.VersionAsync(Dossier!.ProcedureCode, Dossier.ProcedureVersion, cancellationToken);
            foreach (var field in spec?.Fields ?? [])
            {
                Labels[field.Name] = field.Label(Dinh.Platform.Web.Cultures.IsEnglish);
            }
            if (DataSubjectRequests.DataSubjectAnswers.IsCorrectionRequest(Dossier) && Dossier.Status is "InReview" or "Approved")
            {
                var citizenId = await db.Dossiers.Where(x => x.Id == Id).Select(x => x.ApplicantCitizenId).FirstAsync(cancellationToken);
                CorrectionPath = DataSubjectRequests.DataSubjectAnswers.CorrectionPath(citizenId, Dossier.ReceiptCode, spec!.LegalBasis);
            }
        }
        else if (!keepStatus)
        {
            Show(result);
        }
        if (keepStatus)
        {
            Response.StatusCode = status;
        }
        return Page();
    }
}

/// <summary>Nobody has claimed the dossier; this officer has; a colleague who can act on it has; or one who no longer can.</summary>
internal enum ClaimState
{
    Nobody,
    Me,
    Colleague,
    Gone,
}
