using Dinh.Identity.Contracts;
using Dinh.Platform.Auditing;
using Dinh.Services.Bundles;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Dossiers;

/// <summary>A citizen's answer to a request for a supplement, or a withdrawal: the version they read.</summary>
public sealed record CitizenActionRequest(int? Version, Dictionary<string, string?>? Fields = null);

/// <summary>
/// "My dossiers": the signed-in citizen's dossiers with their history, resubmission after a supplement request, and
/// withdrawal. Another citizen's dossier answers 404, exactly as a missing one, and the attempt is audited.
/// </summary>
internal static class MyDossiers
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/dossiers", ListAsync).WithName("MyDossiers").WithSummary("My dossiers, newest first.");
        api.MapGet("/dossiers/{id:guid}", GetAsync).WithName("MyDossier").WithSummary("One of my dossiers with its status history.");
        api.MapPost("/dossiers/{id:guid}/resubmit", ResubmitAsync).WithName("ResubmitDossier").WithSummary("Complete a dossier after a supplement request.");
        api.MapPost("/dossiers/{id:guid}/withdraw", WithdrawAsync).WithName("WithdrawDossier").WithSummary("Withdraw an open dossier.");
    }

    public static async Task<Results<Ok<List<DossierView>>, ProblemHttpResult>> ListAsync(HttpContext http, ServicesDbContext db, SignedInCitizens citizens,
        ProcedureCatalogue catalogue, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        if (await citizens.FindAsync(http.User, cancellationToken) is not { } applicant)
        {
            return ServicesErrors.Problem(ServicesErrors.CitizenSignInRequired);
        }
        var dossiers = await db.Dossiers.AsNoTracking().Include(d => d.Transitions).Where(d => d.ApplicantAccountId == applicant.AccountId)
            .OrderByDescending(d => d.Id).ThenBy(d => d.BundleStep).Take(200).ToListAsync(cancellationToken);
        var views = new List<DossierView>();
        foreach (var dossier in dossiers)
        {
            views.Add(DossierView.Of(dossier, (await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken))!, calendar.Today));
        }
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<DossierView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, ServicesDbContext db,
        SignedInCitizens citizens, ProcedureCatalogue catalogue, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var (dossier, _, problem) = await LoadAsync(id, http, db, citizens, tracked: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var view = DossierView.Of(dossier!, (await catalogue.VersionAsync(dossier!.ProcedureCode, dossier.ProcedureVersion, cancellationToken))!, calendar.Today);
        return TypedResults.Ok(view with { Attachments = await Attachments.AttachDocument.ListAsync(db, id, cancellationToken) });
    }

    public static async Task<Results<Ok<DossierView>, ValidationProblem, ProblemHttpResult>> ResubmitAsync(Guid id, CitizenActionRequest request,
        HttpContext http, ServicesDbContext db, SignedInCitizens citizens, ProcedureCatalogue catalogue, ApplicationForm form, WorkingCalendar calendar,
        DossierNotices notices, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (dossier, applicant, spec, problem) = await CurrentAsync(id, request.Version, http, db, citizens, catalogue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        // The fields the citizen may change are those of the pinned version; values the registry or earlier steps supplied stay.
        var merged = dossier!.Fields.ToDictionary(f => f.Key, f => (string?)f.Value, StringComparer.Ordinal);
        foreach (var (name, value) in request.Fields ?? [])
        {
            merged[name] = value;
        }
        var (fields, problems) = await form.FillAsync(spec!, applicant!, merged, cancellationToken);
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        foreach (var (name, value) in dossier.Fields.Where(f => !fields.ContainsKey(f.Key)))
        {
            fields[name] = value;
        }
        var refusal = dossier.Resubmit(fields, await calendar.LoadAsync(cancellationToken), clock.GetUtcNow(), applicant!.Actor);
        return refusal != TransitionRefusal.None ? ServicesErrors.Problem(ServicesErrors.WrongState)
            : await SaveAsync(db, http, dossier, spec!, applicant, "resubmitted", notices, calendar, cancellationToken);
    }

    public static async Task<Results<Ok<DossierView>, ValidationProblem, ProblemHttpResult>> WithdrawAsync(Guid id, CitizenActionRequest request,
        HttpContext http, ServicesDbContext db, SignedInCitizens citizens, ProcedureCatalogue catalogue, WorkingCalendar calendar, DossierNotices notices,
        BundleSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (dossier, applicant, spec, problem) = await CurrentAsync(id, request.Version, http, db, citizens, catalogue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (dossier!.Withdraw(clock.GetUtcNow(), applicant!.Actor) != TransitionRefusal.None)
        {
            return ServicesErrors.Problem(ServicesErrors.WrongState);
        }
        if (dossier.BundleId is { } bundleId)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Bundles.Where(b => b.Id == bundleId)
                .ExecuteUpdateAsync(b => b.SetProperty(x => x.NeedsAdvance, true).SetProperty(x => x.Version, x => x.Version + 1), cancellationToken);
            var saved = await SaveAsync(db, http, dossier, spec!, applicant, "withdrawn", notices, calendar, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            signal.Notify();
            return saved;
        }
        return await SaveAsync(db, http, dossier, spec!, applicant, "withdrawn", notices, calendar, cancellationToken);
    }

    private static async Task<Results<Ok<DossierView>, ValidationProblem, ProblemHttpResult>> SaveAsync(ServicesDbContext db, HttpContext http,
        Dossier dossier, ProcedureSpec spec, SignedInCitizen applicant, string action, DossierNotices notices, WorkingCalendar calendar,
        CancellationToken cancellationToken)
    {
        db.Audit(new AuditEvent(applicant.Actor, $"services.dossier.{action}", "Nộp hồ sơ dịch vụ công")
        {
            Subject = $"citizen:{applicant.CitizenId}", LegalBasis = spec.LegalBasis, RequestId = http.TraceIdentifier,
            Details = $"{{\"dossier\":\"{dossier.Id}\"}}",
        });
        await notices.QueueAsync(db, applicant.AccountId, dossier.ReceiptCode, DossierNotices.StatusText(dossier.Status), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServicesErrors.Problem(ServicesErrors.StaleVersion);
        }
        return TypedResults.Ok(DossierView.Of(dossier, spec, calendar.Today));
    }

    /// <summary>The citizen's dossier, tracked, if the version they read is still current, with its pinned definition.</summary>
    private static async Task<(Dossier? Dossier, SignedInCitizen? Applicant, ProcedureSpec? Spec, ProblemHttpResult? Problem)> CurrentAsync(Guid id,
        int? version, HttpContext http, ServicesDbContext db, SignedInCitizens citizens, ProcedureCatalogue catalogue, CancellationToken cancellationToken)
    {
        var (dossier, applicant, problem) = await LoadAsync(id, http, db, citizens, tracked: true, cancellationToken);
        if (problem is not null)
        {
            return (null, null, null, problem);
        }
        if (dossier!.Version != version)
        {
            return (null, null, null, ServicesErrors.Problem(ServicesErrors.StaleVersion));
        }
        return (dossier, applicant, await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken), null);
    }

    /// <summary>The dossier if it is the signed-in citizen's; otherwise 404 as if it did not exist, with the attempt audited.</summary>
    internal static async Task<(Dossier? Dossier, SignedInCitizen? Applicant, ProblemHttpResult? Problem)> LoadAsync(Guid id, HttpContext http,
        ServicesDbContext db, SignedInCitizens citizens, bool tracked, CancellationToken cancellationToken)
    {
        if (await citizens.FindAsync(http.User, cancellationToken) is not { } applicant)
        {
            return (null, null, ServicesErrors.Problem(ServicesErrors.CitizenSignInRequired));
        }
        var query = tracked ? db.Dossiers.Include(d => d.Transitions) : db.Dossiers.AsNoTracking().Include(d => d.Transitions);
        var dossier = await query.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dossier is null)
        {
            return (null, applicant, ServicesErrors.Problem(ServicesErrors.DossierNotFound));
        }
        if (dossier.ApplicantAccountId != applicant.AccountId)
        {
            db.ChangeTracker.Clear();
            db.Audit(new AuditEvent(applicant.Actor, "services.access.refused", "Xem hồ sơ của người khác")
            {
                Subject = $"citizen:{dossier.ApplicantCitizenId}", RequestId = http.TraceIdentifier, Details = $"{{\"dossier\":\"{dossier.Id}\"}}",
            });
            await db.SaveChangesAsync(cancellationToken);
            return (null, applicant, ServicesErrors.Problem(ServicesErrors.DossierNotFound));
        }
        return (dossier, applicant, null);
    }
}
