using Dinh.Identity.Contracts;
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

    public Dictionary<string, IReadOnlyList<AttachmentSpec>> AttachmentKinds { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ? Page() : Challenge();

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
        return await LoadAsync(cancellationToken) ? Page() : Challenge();
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
        return await LoadAsync(cancellationToken) ? Page() : Challenge();
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
        return await LoadAsync(cancellationToken) ? Page() : Challenge();
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
        foreach (var d in dossiers.Value!)
        {
            AttachmentKinds[d.ProcedureCode] = (await catalogue.VersionAsync(d.ProcedureCode, d.ProcedureVersion, cancellationToken))?.Attachments ?? [];
        }
        return true;
    }
}
