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

/// <summary>"My dossiers": bundles followed as one, each step's dossier with its history and result; withdrawal.</summary>
internal sealed class DossiersModel(ServicesDbContext db, SignedInCitizens citizens, ProcedureCatalogue catalogue, WorkingCalendar calendar) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Receipt { get; set; }

    public IReadOnlyList<BundleView> Bundles { get; private set; } = [];

    public IReadOnlyList<DossierView> Dossiers { get; private set; } = [];

    /// <summary>The result documents of the citizen's approved dossiers, kept here with their SHA-256.</summary>
    public IReadOnlyList<ResultDocumentView> Documents { get; private set; } = [];

    public Dictionary<string, IReadOnlyList<AttachmentSpec>> AttachmentKinds { get; } = new(StringComparer.Ordinal);

    /// <summary>The fields a citizen fills in (not prefilled from the registry), per procedure version, for answering a supplement request.</summary>
    public Dictionary<(string, int), IReadOnlyList<FieldSpec>> EditableFields { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ? Page() : this.SignInOrForbid();

    public async Task<IActionResult> OnPostPayAsync(Guid id, CancellationToken cancellationToken)
    {
        var services = HttpContext.RequestServices;
        var result = (await Payments.PayFee.StartAsync(id, HttpContext, db, citizens, services.GetRequiredService<Payments.IPaymentGateway>(),
            services.GetRequiredService<TimeProvider>(), cancellationToken)).Result;
        if (result is Created<Payments.PaymentStart> started)
        {
            return Redirect(started.Value!.RedirectUrl);
        }
        Show(result);
        return await LoadAsync(cancellationToken) ? Page() : this.SignInOrForbid();
    }

    public async Task<IActionResult> OnPostAttachAsync(Guid id, string? code, Microsoft.AspNetCore.Http.IFormFile? file, CancellationToken cancellationToken)
    {
        var services = HttpContext.RequestServices;
        var result = (await Attachments.AttachDocument.UploadAsync(id, code, file, HttpContext, db, citizens,
            services.GetRequiredService<Attachments.IAttachmentScanner>(), services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            services.GetRequiredService<TimeProvider>(), cancellationToken)).Result;
        if (result is not Created<Attachments.AttachmentView>)
        {
            Show(result);
        }
        return await LoadAsync(cancellationToken) ? Page() : this.SignInOrForbid();
    }

    /// <summary>Answering a supplement request: the corrected fields, the version read; the deadline restarts with the working days left.</summary>
    public async Task<IActionResult> OnPostResubmitAsync(Guid id, int version, Dictionary<string, string?> fields, CancellationToken cancellationToken)
    {
        var services = HttpContext.RequestServices;
        var result = (await MyDossiers.ResubmitAsync(id, new CitizenActionRequest(version, fields), HttpContext, db, citizens, catalogue,
            services.GetRequiredService<ApplicationForm>(), calendar, services.GetRequiredService<DossierNotices>(), services.GetRequiredService<TimeProvider>(),
            cancellationToken)).Result;
        if (result is Ok<DossierView> resubmitted)
        {
            return RedirectToPage(new { receipt = resubmitted.Value!.ReceiptCode });
        }
        Show(result);
        return await LoadAsync(cancellationToken) ? Page() : this.SignInOrForbid();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, int version, CancellationToken cancellationToken)
    {
        var services = HttpContext.RequestServices;
        var result = (await MyDossiers.WithdrawAsync(id, new CitizenActionRequest(version), HttpContext, db, citizens, catalogue, calendar,
            services.GetRequiredService<DossierNotices>(), services.GetRequiredService<BundleSignal>(), services.GetRequiredService<TimeProvider>(),
            cancellationToken)).Result;
        if (result is not Ok<DossierView>)
        {
            Show(result);
        }
        return await LoadAsync(cancellationToken) ? Page() : this.SignInOrForbid();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if ((await SubmitBundle.ListAsync(HttpContext, db, citizens, catalogue, calendar, cancellationToken)).Result is not Ok<List<BundleView>> bundles
            || (await MyDossiers.ListAsync(HttpContext, db, citizens, catalogue, calendar, cancellationToken)).Result is not Ok<List<DossierView>> dossiers)
        {
            return false;
        }
        Bundles = bundles.Value!;
        Dossiers = dossiers.Value!.Where(d => d.BundleId is null).ToList();
        if ((await ResultDocuments.ListAsync(HttpContext, db, citizens, catalogue, cancellationToken)).Result is Ok<List<ResultDocumentView>> documents)
        {
            Documents = documents.Value!;
        }
        foreach (var d in dossiers.Value!)
        {
            var spec = await catalogue.VersionAsync(d.ProcedureCode, d.ProcedureVersion, cancellationToken);
            AttachmentKinds[d.ProcedureCode] = spec?.Attachments ?? [];
            EditableFields[(d.ProcedureCode, d.ProcedureVersion)] = spec?.Fields.Where(f => f.Prefill is null).ToList() ?? [];
        }
        return true;
    }
}
