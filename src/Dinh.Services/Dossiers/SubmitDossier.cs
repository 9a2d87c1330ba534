using Dinh.Identity.Contracts;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Dossiers;

/// <summary>A citizen's submission: the procedure's code, the values of the fields that are not prefilled, and an idempotency key.</summary>
public sealed record SubmitDossierRequest(string? ProcedureCode, Dictionary<string, string?>? Fields, string? IdempotencyKey = null);

internal static class SubmitDossier
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/dossiers", HandleAsync).WithName("SubmitDossier")
            .WithSummary("Submit a dossier under the latest version of a procedure; returns the receipt code and the due date.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Created<DossierView>, Ok<DossierView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        SubmitDossierRequest request, HttpContext http, ServicesDbContext db, SignedInCitizens citizens, ProcedureCatalogue catalogue,
        ApplicationForm form, WorkingCalendar calendar, DossierNotices notices, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await citizens.FindAsync(http.User, cancellationToken) is not { } applicant)
        {
            return ServicesErrors.Problem(ServicesErrors.CitizenSignInRequired);
        }
        var key = IdempotencyKey(http, request.IdempotencyKey);
        if (key is { Length: > 100 })
        {
            return ServicesErrors.Validation(new Dictionary<string, string> { ["idempotencyKey"] = "too-long" });
        }
        if (string.IsNullOrWhiteSpace(request.ProcedureCode))
        {
            return ServicesErrors.Validation(new Dictionary<string, string> { ["procedureCode"] = "required" });
        }
        if (await catalogue.LatestAsync(request.ProcedureCode.Trim(), cancellationToken) is not { IsBundle: false } spec)
        {
            return ServicesErrors.Problem(ServicesErrors.ProcedureNotFound);
        }
        if (key is not null && await ExistingAsync(db, applicant.AccountId, key, cancellationToken) is { } existing)
        {
            return existing.ProcedureCode == spec.Code ? TypedResults.Ok(DossierView.Of(existing, spec, calendar.Today))
                : ServicesErrors.Problem(ServicesErrors.IdempotencyConflict);
        }
        var (fields, problems) = await form.FillAsync(spec, applicant, request.Fields, cancellationToken);
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        var now = clock.GetUtcNow();
        var days = await calendar.LoadAsync(cancellationToken);
        var unit = fields[spec.UnitField];
        var dossier = Dossier.Submit(Guid.CreateVersion7(now), DossierNotices.ReceiptCode(unit, VietnamTime.DayOf(now)), spec, applicant.CitizenId,
            applicant.AccountId, unit, fields, days, now, applicant.Actor, idempotencyKey: key);
        db.Dossiers.Add(dossier);
        db.Audit(new AuditEvent(applicant.Actor, "services.dossier.submitted", "Nộp hồ sơ dịch vụ công")
        {
            Subject = $"citizen:{applicant.CitizenId}", LegalBasis = spec.LegalBasis, RequestId = http.TraceIdentifier,
            Details = System.Text.Json.JsonSerializer.Serialize(new { dossier = dossier.Id, dossier.ReceiptCode, spec.Code, spec.Version }),
        });
        await notices.QueueAsync(db, applicant.AccountId, dossier.ReceiptCode, DossierNotices.StatusText(dossier.Status), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (key is not null)
        {
            // The same submission, sent twice at once: the first one's dossier is the answer to both.
            db.ChangeTracker.Clear();
            if (await ExistingAsync(db, applicant.AccountId, key, cancellationToken) is { } first)
            {
                return TypedResults.Ok(DossierView.Of(first, spec, calendar.Today));
            }
            throw;
        }
        return TypedResults.Created($"/api/services/dossiers/{dossier.Id}", DossierView.Of(dossier, spec, calendar.Today));
    }

    public static string? IdempotencyKey(HttpContext http, string? fromBody)
    {
        ArgumentNullException.ThrowIfNull(http);
        var key = string.IsNullOrWhiteSpace(fromBody) ? http.Request.Headers[IdempotencyHeader].FirstOrDefault() : fromBody;
        return string.IsNullOrWhiteSpace(key) ? null : key.Trim();
    }

    private static Task<Dossier?> ExistingAsync(ServicesDbContext db, Guid accountId, string key, CancellationToken cancellationToken) =>
        db.Dossiers.AsNoTracking().Include(d => d.Transitions)
            .FirstOrDefaultAsync(d => d.ApplicantAccountId == accountId && d.IdempotencyKey == key && d.BundleId == null, cancellationToken);
}
