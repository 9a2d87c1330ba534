using System.Text.Json;
using Dinh.Identity.Contracts;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Bundles;

/// <summary>One declaration for an interconnected bundle; <see cref="OptionalSteps"/> names the optional procedures chosen.</summary>
public sealed record SubmitBundleRequest(string? ProcedureCode, Dictionary<string, string?>? Fields, IReadOnlyList<string>? OptionalSteps = null,
    string? IdempotencyKey = null);

/// <summary>A bundle as its applicant follows it: one receipt, one status, and each step's dossier.</summary>
public sealed record BundleView(Guid Id, string ReceiptCode, string ProcedureCode, string ProcedureName, string Status, string? StopReason,
    DateOnly DueOn, DateTimeOffset SubmittedAt, IReadOnlyList<BundleStepView> Steps);

public sealed record BundleStepView(int Step, string ProcedureCode, string ProcedureName, string Status, DossierView? Dossier);

internal static class SubmitBundle
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/bundles", HandleAsync).WithName("SubmitBundle")
            .WithSummary("Submit an interconnected bundle (Decree 63/2024); its steps open as dossiers in each agency's queue.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/bundles", ListAsync).WithName("MyBundles").WithSummary("My interconnected bundles with each step's dossier.");
    }

    public static async Task<Results<Created<BundleView>, Ok<BundleView>, ValidationProblem, ProblemHttpResult>> HandleAsync(SubmitBundleRequest request,
        HttpContext http, ServicesDbContext db, SignedInCitizens citizens, ProcedureCatalogue catalogue, ApplicationForm form, WorkingCalendar calendar,
        DossierNotices notices, BundleSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await citizens.FindAsync(http.User, cancellationToken) is not { } applicant)
        {
            return ServicesErrors.Problem(ServicesErrors.CitizenSignInRequired);
        }
        var key = SubmitDossier.IdempotencyKey(http, request.IdempotencyKey);
        if (string.IsNullOrWhiteSpace(request.ProcedureCode))
        {
            return ServicesErrors.Validation(new Dictionary<string, string> { ["procedureCode"] = "required" });
        }
        if (await catalogue.LatestAsync(request.ProcedureCode.Trim(), cancellationToken) is not { IsBundle: true } spec)
        {
            return ServicesErrors.Problem(ServicesErrors.ProcedureNotFound);
        }
        if (key is { Length: > 100 })
        {
            return ServicesErrors.Validation(new Dictionary<string, string> { ["idempotencyKey"] = "too-long" });
        }
        if (key is not null && await db.Bundles.AsNoTracking().FirstOrDefaultAsync(b => b.ApplicantAccountId == applicant.AccountId && b.IdempotencyKey == key,
            cancellationToken) is { } existing)
        {
            return existing.ProcedureCode == spec.Code ? TypedResults.Ok(await ViewAsync(db, catalogue, calendar, existing, cancellationToken))
                : ServicesErrors.Problem(ServicesErrors.IdempotencyConflict);
        }
        var (fields, problems) = await form.FillAsync(spec, applicant, request.Fields, cancellationToken);
        var steps = new List<int>();
        for (var i = 0; i < spec.Steps!.Count; i++)
        {
            if (!spec.Steps[i].Optional || request.OptionalSteps?.Contains(spec.Steps[i].Procedure) == true)
            {
                steps.Add(i);
            }
        }
        if (request.OptionalSteps?.FirstOrDefault(c => !spec.Steps.Any(s => s.Optional && s.Procedure == c)) is not null)
        {
            problems["optionalSteps"] = "not-a-choice";
        }
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        if (spec.Steps.Any(s => s.Procedure == "permanent-residence") && !fields.ContainsKey("householdId"))
        {
            return ServicesErrors.Problem(ServicesErrors.NoHousehold);
        }
        var now = clock.GetUtcNow();
        var days = await calendar.LoadAsync(cancellationToken);
        var bundle = new Bundle
        {
            Id = Guid.CreateVersion7(now), ReceiptCode = DossierNotices.ReceiptCode(fields[spec.UnitField], VietnamTime.DayOf(now)),
            ProcedureCode = spec.Code, ProcedureVersion = spec.Version, ApplicantCitizenId = applicant.CitizenId, ApplicantAccountId = applicant.AccountId,
            FieldsJson = JsonSerializer.Serialize(fields), StepsJson = JsonSerializer.Serialize(steps), Status = BundleStatus.Open, NeedsAdvance = true,
            SubmittedAt = now, DueOn = days.Due(VietnamTime.DayOf(now), spec.TimeLimitWorkingDays), IdempotencyKey = key,
        };
        db.Bundles.Add(bundle);
        db.Audit(new AuditEvent(applicant.Actor, "services.bundle.submitted", "Nộp hồ sơ liên thông")
        {
            Subject = $"citizen:{applicant.CitizenId}", LegalBasis = spec.LegalBasis, RequestId = http.TraceIdentifier,
            Details = JsonSerializer.Serialize(new { bundle = bundle.Id, bundle.ReceiptCode, spec.Code, spec.Version }),
        });
        await notices.QueueAsync(db, applicant.AccountId, bundle.ReceiptCode, "da duoc tiep nhan", cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (key is not null)
        {
            db.ChangeTracker.Clear();
            if (await db.Bundles.AsNoTracking().FirstOrDefaultAsync(b => b.ApplicantAccountId == applicant.AccountId && b.IdempotencyKey == key,
                cancellationToken) is { } first)
            {
                return TypedResults.Ok(await ViewAsync(db, catalogue, calendar, first, cancellationToken));
            }
            throw;
        }
        signal.Notify();
        return TypedResults.Created($"/api/services/bundles/{bundle.Id}", await ViewAsync(db, catalogue, calendar, bundle, cancellationToken));
    }

    public static async Task<Results<Ok<List<BundleView>>, ProblemHttpResult>> ListAsync(HttpContext http, ServicesDbContext db, SignedInCitizens citizens,
        ProcedureCatalogue catalogue, WorkingCalendar calendar, CancellationToken cancellationToken)
    {
        if (await citizens.FindAsync(http.User, cancellationToken) is not { } applicant)
        {
            return ServicesErrors.Problem(ServicesErrors.CitizenSignInRequired);
        }
        var bundles = await db.Bundles.AsNoTracking().Where(b => b.ApplicantAccountId == applicant.AccountId).OrderByDescending(b => b.Id)
            .Take(50).ToListAsync(cancellationToken);
        var views = new List<BundleView>();
        foreach (var bundle in bundles)
        {
            views.Add(await ViewAsync(db, catalogue, calendar, bundle, cancellationToken));
        }
        return TypedResults.Ok(views);
    }

    internal static async Task<BundleView> ViewAsync(ServicesDbContext db, ProcedureCatalogue catalogue, WorkingCalendar calendar, Bundle bundle,
        CancellationToken cancellationToken)
    {
        var spec = (await catalogue.VersionAsync(bundle.ProcedureCode, bundle.ProcedureVersion, cancellationToken))!;
        var english = Dinh.Platform.Web.Cultures.IsEnglish;
        var dossiers = await db.Dossiers.AsNoTracking().Include(d => d.Transitions).Where(d => d.BundleId == bundle.Id)
            .ToDictionaryAsync(d => d.BundleStep!.Value, cancellationToken);
        var steps = new List<BundleStepView>();
        foreach (var index in bundle.Steps)
        {
            var step = spec.Steps![index];
            var procedure = (await catalogue.LatestAsync(step.Procedure, cancellationToken))!;
            DossierView? view = null;
            if (dossiers.TryGetValue(index, out var dossier))
            {
                view = DossierView.Of(dossier, (await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken))!, calendar.Today);
            }
            steps.Add(new BundleStepView(index, step.Procedure, procedure.Name(english), view?.Status ?? "Waiting", view));
        }
        return new BundleView(bundle.Id, bundle.ReceiptCode, bundle.ProcedureCode, spec.Name(english), bundle.Status.ToString(), bundle.StopReason,
            bundle.DueOn, bundle.SubmittedAt, steps);
    }
}
