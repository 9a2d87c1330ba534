using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Dinh.Services.Bundles;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Services.Processing;

/// <summary>An officer's decision on a dossier: the version they read, and a reason where the law asks for one.</summary>
public sealed record DecisionRequest(int? Version, string? Reason = null, int? SupplementWorkingDays = null);

/// <summary>A dossier in an officer's work queue, earliest deadline first.</summary>
public sealed record QueueItem(Guid Id, string ReceiptCode, string ProcedureCode, string Status, string UnitCode, DateOnly DueOn, bool Overdue,
    bool DueSoon, Guid? ClaimedBy, int Version, Guid? BundleId);

/// <summary>
/// Officers' processing: the queue of their agency (role) and jurisdiction, and the decisions. Every decision loads the
/// dossier, checks the version the officer read, runs the aggregate's guarded method and saves with the version as a
/// concurrency token: of two officers acting at once one wins and the other gets 409, nothing lost. An officer outside
/// the dossier's agency or commune gets 403, audited.
/// </summary>
internal static class ProcessDossier
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/officer/queue", QueueAsync).WithName("OfficerQueue").WithSummary("Open dossiers of my agency and jurisdiction, earliest deadline first.");
        api.MapGet("/officer/dossiers/{id:guid}", GetAsync).WithName("OfficerDossier").WithSummary("A dossier in my agency and jurisdiction.");
        api.MapPost("/officer/dossiers/{id:guid}/{action:regex(^(claim|release|take-over|accept|supplement|reject|approve)$)}", DecideAsync).WithName("DecideDossier")
            .WithSummary("Claim, release (the claimant gives it back), take over (from a claimant deactivated, locked or moved), accept, "
                + "request a supplement, reject (with reason) or approve a dossier.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<List<QueueItem>>, ProblemHttpResult>> QueueAsync(HttpContext http, ServicesDbContext db,
        OfficerJurisdictions jurisdictions, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        if (OfficerPrincipal.From(http.User) is not { } officer)
        {
            return ServicesErrors.Problem(ServicesErrors.OfficerSignInRequired);
        }
        var communes = await jurisdictions.CommunesAsync(officer, cancellationToken);
        var query = db.Dossiers.AsNoTracking().Where(d => d.Role == officer.Role
            && (d.Status == DossierStatus.Submitted || d.Status == DossierStatus.InReview || d.Status == DossierStatus.SupplementRequested));
        if (communes is not null)
        {
            query = query.Where(d => communes.Contains(d.UnitCode));
        }
        var today = calendar.Today;
        var open = await query.OrderBy(d => d.DueOn).ThenBy(d => d.Id).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(open.Select(d => new QueueItem(d.Id, d.ReceiptCode, d.ProcedureCode, d.Status.ToString(), d.UnitCode, d.DueOn,
            d.IsOverdue(today), d.IsDueSoon(today), d.ClaimedBy, d.Version, d.BundleId)).ToList());
    }

    public static async Task<Results<Ok<DossierView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, ServicesDbContext db,
        OfficerJurisdictions jurisdictions, ProcedureCatalogue catalogue, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var (dossier, officer, problem) = await LoadAsync(id, http, db, jurisdictions, "read", tracked: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        db.Audit(new AuditEvent(officer!.Actor, "services.dossier.read", "Giải quyết hồ sơ dịch vụ công")
        {
            Subject = $"citizen:{dossier!.ApplicantCitizenId}", RequestId = http.TraceIdentifier, Details = $"{{\"dossier\":\"{dossier.Id}\"}}",
        });
        await db.SaveChangesAsync(cancellationToken);
        var spec = await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken);
        return TypedResults.Ok(DossierView.Of(dossier, spec!, calendar.Today) with
        {
            Attachments = await Attachments.AttachDocument.ListAsync(db, id, cancellationToken),
        });
    }

    public static async Task<Results<Ok<DossierView>, ValidationProblem, ProblemHttpResult>> DecideAsync(Guid id, string action, DecisionRequest request,
        HttpContext http, ServicesDbContext db, OfficerJurisdictions jurisdictions, ProcedureCatalogue catalogue, WorkingCalendar calendar,
        RegistryEffects effects, DossierNotices notices, BundleSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Version is null)
        {
            problems["version"] = "required";
        }
        var reason = request.Reason?.Trim();
        if (action is "reject" or "supplement" && string.IsNullOrEmpty(reason))
        {
            problems["reason"] = "required";
        }
        else if (reason is { Length: > 1000 })
        {
            problems["reason"] = "too-long";
        }
        if (request.SupplementWorkingDays is < 1 or > 30)
        {
            problems["supplementWorkingDays"] = "format";
        }
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        var (dossier, officer, problem) = await LoadAsync(id, http, db, jurisdictions, action, tracked: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (dossier!.Version != request.Version)
        {
            return ServicesErrors.Problem(ServicesErrors.StaleVersion);
        }
        var spec = (await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken))!;
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        TransitionRefusal refusal;
        Guid? previousClaimant = null;
        switch (action)
        {
            case "claim":
                refusal = dossier.Claim(officer!.Id, now);
                break;
            case "release":
                refusal = dossier.Release(officer!.Id, now);
                break;
            case "take-over":
                previousClaimant = dossier.ClaimedBy;
                if (previousClaimant is { } claimant && claimant != officer!.Id
                    && await ClaimantCanActAsync(claimant, dossier.Role, dossier.UnitCode, http.RequestServices, jurisdictions, cancellationToken))
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return ServicesErrors.Problem(ServicesErrors.ClaimantCanAct);
                }
                refusal = dossier.TakeOver(officer!.Id, now);
                break;
            case "accept":
                refusal = dossier.Accept(officer!.Id, now);
                break;
            case "supplement":
                // Decree 63/2024: the applicant completes the dossier within 7 working days.
                refusal = dossier.RequestSupplement(officer!.Id, reason!, request.SupplementWorkingDays ?? 7, await calendar.LoadAsync(cancellationToken), now);
                break;
            case "reject":
                refusal = dossier.Reject(officer!.Id, reason!, now);
                break;
            case "approve":
                if (dossier.Status != DossierStatus.InReview || (dossier.ClaimedBy is { } other && other != officer!.Id) || dossier.FeeOutstanding)
                {
                    refusal = dossier.Status != DossierStatus.InReview ? TransitionRefusal.WrongState
                        : dossier.FeeOutstanding ? TransitionRefusal.FeeNotPaid : TransitionRefusal.ClaimedByAnother;
                    break;
                }
                var (result, registryCode, field) = await effects.ApplyAsync(dossier, spec, transaction.GetDbTransaction(), http, officer!, cancellationToken);
                if (result is null)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return ServicesErrors.Problem(ServicesErrors.RegistryRefused, extra: new Dictionary<string, object?>
                    {
                        ["registryCode"] = registryCode, ["field"] = field,
                    });
                }
                refusal = dossier.Approve(officer!.Id, result, now);
                break;
            default:
                throw new InvalidOperationException($"Unknown action {action}.");
        }
        if (refusal != TransitionRefusal.None)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ServicesErrors.Problem(refusal switch
            {
                TransitionRefusal.WrongState => ServicesErrors.WrongState,
                TransitionRefusal.FeeNotPaid => ServicesErrors.FeeNotPaid,
                _ => ServicesErrors.ClaimedByAnother,
            });
        }
        db.Audit(new AuditEvent(officer!.Actor, $"services.dossier.{action}", "Giải quyết hồ sơ dịch vụ công")
        {
            Subject = $"citizen:{dossier.ApplicantCitizenId}", LegalBasis = spec.LegalBasis, RequestId = http.TraceIdentifier,
            Details = previousClaimant is { } previous
                ? System.Text.Json.JsonSerializer.Serialize(new { dossier = dossier.Id, dossier.ReceiptCode, status = dossier.Status.ToString(), from = $"officer:{previous}" })
                : System.Text.Json.JsonSerializer.Serialize(new { dossier = dossier.Id, dossier.ReceiptCode, status = dossier.Status.ToString() }),
        });
        if (action is not ("claim" or "release" or "take-over"))
        {
            await notices.QueueAsync(db, dossier.ApplicantAccountId, dossier.ReceiptCode, DossierNotices.StatusText(dossier.Status), cancellationToken);
        }
        if (dossier.BundleId is { } bundleId && dossier.Status is DossierStatus.Approved or DossierStatus.Rejected)
        {
            // The bundle's next steps are the worker's, in its own transaction; this only marks it, atomically with the decision.
            await db.Bundles.Where(b => b.Id == bundleId)
                .ExecuteUpdateAsync(b => b.SetProperty(x => x.NeedsAdvance, true).SetProperty(x => x.Version, x => x.Version + 1), cancellationToken);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServicesErrors.Problem(ServicesErrors.StaleVersion);
        }
        signal.Notify();
        return TypedResults.Ok(DossierView.Of(dossier, spec, calendar.Today));
    }

    /// <summary>
    /// Whether the officer who claimed a dossier can still act on it: their account is active (not deactivated or locked)
    /// and their current role and jurisdiction still cover the dossier. While they can, nobody else takes it over.
    /// </summary>
    internal static async Task<bool> ClaimantCanActAsync(Guid claimant, Registry.Officers.OfficerRole role, string unitCode, IServiceProvider services,
        OfficerJurisdictions jurisdictions, CancellationToken cancellationToken)
    {
        if (!await services.GetRequiredService<Identity.Contracts.StaffStatus>().IsActiveAsync(claimant, cancellationToken)
            || await services.GetRequiredService<OfficerDirectory>().FindAsync(claimant, cancellationToken) is not { } entry)
        {
            return false;
        }
        var principal = new OfficerPrincipal(entry.Id, entry.Role, entry.Jurisdiction);
        return entry.Role == role && await jurisdictions.CoversAsync(principal, unitCode, cancellationToken);
    }

    /// <summary>The dossier if this officer's agency and jurisdiction cover it; else 404, or 403 with the refusal audited.</summary>
    internal static async Task<(Dossier? Dossier, OfficerPrincipal? Officer, ProblemHttpResult? Problem)> LoadAsync(Guid id, HttpContext http,
        ServicesDbContext db, OfficerJurisdictions jurisdictions, string attempted, bool tracked, CancellationToken cancellationToken)
    {
        if (OfficerPrincipal.From(http.User) is not { } officer)
        {
            return (null, null, ServicesErrors.Problem(ServicesErrors.OfficerSignInRequired));
        }
        var query = tracked ? db.Dossiers.Include(d => d.Transitions) : db.Dossiers.AsNoTracking().Include(d => d.Transitions);
        var dossier = await query.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (dossier is null)
        {
            return (null, officer, ServicesErrors.Problem(ServicesErrors.DossierNotFound));
        }
        if (dossier.Role != officer.Role || !await jurisdictions.CoversAsync(officer, dossier.UnitCode, cancellationToken))
        {
            db.ChangeTracker.Clear();
            db.Audit(new AuditEvent(officer.Actor, "services.access.refused", attempted)
            {
                Subject = $"citizen:{dossier.ApplicantCitizenId}", RequestId = http.TraceIdentifier,
                Details = System.Text.Json.JsonSerializer.Serialize(new { dossier = dossier.Id, code = ServicesErrors.OutsideJurisdiction.Code }),
            });
            await db.SaveChangesAsync(cancellationToken);
            return (null, officer, ServicesErrors.Problem(ServicesErrors.OutsideJurisdiction));
        }
        return (dossier, officer, null);
    }
}
