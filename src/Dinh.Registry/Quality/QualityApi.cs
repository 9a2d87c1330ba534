using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Registry.Citizens;
using Dinh.Registry.Events;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Quality;

public sealed record FindingView(long Id, string Kind, Guid CitizenId, Guid? OtherCitizenId, Guid SubjectId, string? UnitCode, double? Score,
    string Detail, string Status, DateTimeOffset FoundAt, string? ReviewedBy, DateTimeOffset? ReviewedAt, string? ReviewNote);

public sealed record FindingCitizen(Guid Id, string PersonalIdNumber, string FullName, string DateOfBirth, string Sex, string Status,
    string BirthRegistrationProvince, Guid? FatherId, Guid? MotherId, Guid? MergedIntoId, int Version);

public sealed record FindingReview(FindingView Finding, IReadOnlyList<FindingCitizen> Citizens);

public sealed record QualityRunRequest(string? Unit, string? Purpose);

public sealed record ReviewRequest(string? Note, string? Purpose);

public sealed record MergeRequest(Guid? SurvivorId, int? SurvivorVersion, int? MergedVersion, string? Purpose, string? LegalBasis, string? Note);

internal sealed record FindingSearch(string? Kind, string? Status, string? Unit, int? Page, int? PageSize);

/// <summary>
/// The data stewards' worklist: run the checks, list findings within one's jurisdiction, review one, and close it
/// by dismissing, resolving or (duplicates) merging. Only data stewards run, dismiss, resolve and merge; every
/// refusal and every decision is audited.
/// </summary>
internal static class QualityApi
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var quality = api.MapGroup("/quality");
        quality.MapPost("/runs", RunAsync).WithName("RunQualityChecks")
            .WithSummary("Run every data-quality check (over the population, or one commune with `unit`); data stewards only. One run at a time: 409 while another runs.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        quality.MapGet("/findings", ListAsync).WithName("ListQualityFindings")
            .WithSummary("Findings in the officer's jurisdiction, filtered by kind, status and commune; paginated.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        quality.MapGet("/findings/{id:long}", ReviewAsync).WithName("GetQualityFinding")
            .WithSummary("One finding with the citizens it is about (both, for a duplicate pair); the read is audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapPost("/findings/{id:long}/dismissals", DismissAsync).WithName("DismissQualityFinding")
            .WithSummary("Dismiss a finding with a note (e.g. two different people); a re-run does not raise it again.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        quality.MapPost("/findings/{id:long}/resolutions", ResolveAsync).WithName("ResolveQualityFinding")
            .WithSummary("Mark a finding resolved (the data was fixed).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        quality.MapPost("/findings/{id:long}/merges", MergeAsync).WithName("MergeDuplicateCitizens")
            .WithSummary("Merge a duplicate pair into the survivor the steward picks; the other's numbers become cancelled aliases of the survivor.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<QualityRunResult>, ValidationProblem, ProblemHttpResult>> RunAsync(QualityRunRequest request,
        HttpContext http, RegistryAccess access, QualityCheck check, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var purpose = errors.Required("purpose", RegistryRequest.Purpose(http, request.Purpose));
        var unit = string.IsNullOrWhiteSpace(request.Unit) ? null : request.Unit.Trim();
        if (unit is not null && !await access.IsCommuneAsync(unit, cancellationToken))
        {
            errors.Add("unit", "unknown-unit");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        // A whole-population run needs national jurisdiction (CoversAsync(null) is true for it only).
        if (await access.RefuseAsync(http, officer, OfficerTask.DataQuality, unit, unit is null ? "registry:population" : $"unit:{unit}",
            purpose!, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        var result = await check.RunAsync(unit, officer.Actor, purpose!, http.TraceIdentifier, cancellationToken);
        if (result is null)
        {
            http.Response.Headers.RetryAfter = "60";
            return CitizenErrors.Problem(QualityErrors.RunInProgress);
        }
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<ResultPage<FindingView>>, ValidationProblem, ProblemHttpResult>> ListAsync([AsParameters] FindingSearch search,
        HttpContext http, RegistryDbContext db, RegistryAccess access, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var (result, errors) = await QueryAsync(search, officer, db, access, cancellationToken);
        return result is null ? errors.ToProblem() : TypedResults.Ok(result);
    }

    public static async Task<(ResultPage<FindingView>? Result, FieldErrors Errors)> QueryAsync(FindingSearch search, SignedInOfficer officer,
        RegistryDbContext db, RegistryAccess access, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (page, size) = CitizenTimeline.Paging(errors, search.Page, search.PageSize);
        var query = db.Findings.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search.Kind))
        {
            if (QualityCheck.ParseKind(search.Kind.Trim()) is { } kind)
            {
                query = query.Where(f => f.Kind == kind);
            }
            else
            {
                errors.Add("kind", "unknown");
            }
        }
        if (!string.IsNullOrWhiteSpace(search.Status))
        {
            if (Enum.TryParse<FindingStatus>(search.Status.Trim(), ignoreCase: true, out var status) && Enum.IsDefined(status))
            {
                query = query.Where(f => f.Status == status);
            }
            else
            {
                errors.Add("status", "unknown");
            }
        }
        if (!string.IsNullOrWhiteSpace(search.Unit))
        {
            var unit = search.Unit.Trim();
            query = query.Where(f => f.UnitCode == unit);
        }
        if (errors.Any)
        {
            return (null, errors);
        }
        if (await access.CommunesAsync(officer, cancellationToken) is { } communes)
        {
            query = query.Where(f => f.UnitCode != null && communes.Contains(f.UnitCode));
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(f => f.Score ?? 0).ThenBy(f => f.Id).Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
        return (new ResultPage<FindingView>(rows.Select(View).ToList(), page, size, total), errors);
    }

    public static async Task<Results<Ok<FindingReview>, ValidationProblem, ProblemHttpResult>> ReviewAsync(long id, [FromQuery] string? purpose,
        HttpContext http, RegistryDbContext db, RegistryAccess access, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var why = errors.Required("purpose", RegistryRequest.Purpose(http, purpose));
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (finding, problem) = await FindingForAsync(http, officer, OfficerTask.Read, id, why!, db, access, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var ids = new[] { finding!.CitizenId, finding.OtherCitizenId ?? finding.CitizenId };
        var citizens = await db.Citizens.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
        CitizenHistory.ReadAudit(db, http, officer, $"quality-finding:{id}", why!, "registry.quality.finding.read");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new FindingReview(View(finding), citizens.OrderBy(c => c.Id == finding.CitizenId ? 0 : 1)
            .Select(c => new FindingCitizen(c.Id, c.PersonalIdNumber, c.FullName, c.DateOfBirth.ToString(), c.Sex.ToString(), c.Status.ToString(),
                c.BirthRegistrationProvince, c.FatherId, c.MotherId, c.MergedIntoId, c.Version)).ToList()));
    }

    public static Task<Results<Ok<FindingView>, ValidationProblem, ProblemHttpResult>> DismissAsync(long id, ReviewRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken) =>
        CloseAsync(id, request, noteRequired: true, "registry.quality.dismissed", (f, officer, note, now) => f.Dismiss(officer, note!, now),
            http, db, access, clock, cancellationToken);

    public static Task<Results<Ok<FindingView>, ValidationProblem, ProblemHttpResult>> ResolveAsync(long id, ReviewRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken) =>
        CloseAsync(id, request, noteRequired: false, "registry.quality.resolved", (f, officer, note, now) => f.Resolve(officer, note, now),
            http, db, access, clock, cancellationToken);

    private static async Task<Results<Ok<FindingView>, ValidationProblem, ProblemHttpResult>> CloseAsync(long id, ReviewRequest request,
        bool noteRequired, string action, Action<DataQualityFinding, string, string?, DateTimeOffset> close,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var purpose = errors.Required("purpose", RegistryRequest.Purpose(http, request.Purpose));
        var note = noteRequired ? errors.Required("note", request.Note) : request.Note?.Trim();
        if (note is { Length: > 500 })
        {
            errors.Add("note", "too-long");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (finding, problem) = await FindingForAsync(http, officer, OfficerTask.DataQuality, id, purpose!, db, access, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (finding!.Status != FindingStatus.Open)
        {
            return CitizenErrors.Problem(QualityErrors.AlreadyReviewed);
        }
        close(finding, officer.Actor, note, clock.GetUtcNow());
        db.Audit(new AuditEvent(officer.Actor, action, purpose!)
        {
            Subject = $"quality-finding:{id}",
            RequestId = http.TraceIdentifier,
            Details = JsonSerializer.Serialize(new { kind = QualityCheck.KindKey(finding.Kind), citizens = CitizenSubjects(finding) }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(finding));
    }

    /// <summary>
    /// The steward picks the survivor; the other record is kept, marked merged into it, and its personal ID numbers
    /// move to the survivor as cancelled aliases, so a search by the old number finds the survivor. Both records get
    /// a new version; one transaction; a stale version of either is a 409 and nothing is written.
    /// </summary>
    public static async Task<Results<Ok<FindingView>, ValidationProblem, ProblemHttpResult>> MergeAsync(long id, MergeRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var purpose = errors.Required("purpose", RegistryRequest.Purpose(http, request.Purpose));
        var legalBasis = errors.Required("legalBasis", request.LegalBasis);
        if (request.SurvivorId is null)
        {
            errors.Add("survivorId", "required");
        }
        if (request.SurvivorVersion is null)
        {
            errors.Add("survivorVersion", "required");
        }
        if (request.MergedVersion is null)
        {
            errors.Add("mergedVersion", "required");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (finding, problem) = await FindingForAsync(http, officer, OfficerTask.DataQuality, id, purpose!, db, access, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (finding!.Kind != FindingKind.DuplicateCandidate || finding.OtherCitizenId is not { } otherId)
        {
            return CitizenErrors.Problem(QualityErrors.NotADuplicate);
        }
        if (finding.Status != FindingStatus.Open)
        {
            return CitizenErrors.Problem(QualityErrors.AlreadyReviewed);
        }
        var survivorId = request.SurvivorId!.Value;
        if (survivorId != finding.CitizenId && survivorId != otherId)
        {
            errors.Add("survivorId", "not-a-member");
            return errors.ToProblem();
        }
        var mergedId = survivorId == finding.CitizenId ? otherId : finding.CitizenId;
        var survivor = await db.Citizens.FirstAsync(c => c.Id == survivorId, cancellationToken);
        var merged = await db.Citizens.FirstAsync(c => c.Id == mergedId, cancellationToken);
        if (survivor.MergedIntoId is not null || merged.MergedIntoId is not null)
        {
            return CitizenErrors.Problem(CitizenErrors.StateRefused);
        }
        if (!CitizenHistory.IsCurrent(db, survivor, request.SurvivorVersion!.Value) || !CitizenHistory.IsCurrent(db, merged, request.MergedVersion!.Value))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        var carryOver = new MergeCarryOver(db, survivor, merged, access.Today);
        if (await carryOver.CheckAsync(cancellationToken) is { } refusal)
        {
            return CivilStatusEvents.Refused(refusal.Vi, refusal.En);
        }
        var now = clock.GetUtcNow();
        var survivorBefore = CitizenHistory.Snapshot(survivor);
        var mergedBefore = CitizenHistory.Snapshot(merged);
        var aliases = await db.IdNumbers.Where(n => n.CitizenId == mergedId).ToListAsync(cancellationToken);
        foreach (var number in aliases)
        {
            number.CitizenId = survivorId;
            if (number.CancelledAt is null)
            {
                number.CancelledAt = now;
                number.CancellationReason = "merged into a duplicate record";
            }
        }
        await carryOver.ApplyAsync(http, officer, legalBasis!, purpose!, now, cancellationToken);
        merged.MergeInto(survivorId);
        CitizenHistory.Record(db, http, merged, officer, "registry.citizen.merged", legalBasis!, purpose!, mergedBefore, now,
            extraAfter: new(StringComparer.Ordinal) { ["mergedIntoId"] = survivorId.ToString() });
        CitizenHistory.Record(db, http, survivor, officer, "registry.citizen.merge-survivor", legalBasis!, purpose!, survivorBefore, now,
            extraAfter: new Dictionary<string, string?>(carryOver.Carried, StringComparer.Ordinal)
            {
                ["absorbedId"] = mergedId.ToString(),
                ["idNumberAliases"] = string.Join(" ", aliases.Select(n => n.Number)),
            });
        finding.MarkMerged(officer.Actor, request.Note?.Trim(), now);
        db.Audit(new AuditEvent(officer.Actor, "registry.quality.merged", purpose!)
        {
            Subject = $"quality-finding:{id}",
            LegalBasis = legalBasis,
            RequestId = http.TraceIdentifier,
            Details = JsonSerializer.Serialize(new { survivor = $"citizen:{survivorId}", merged = $"citizen:{mergedId}" }),
        });
        if (!await CitizenHistory.SaveUnlessStaleAsync(db, cancellationToken))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        return TypedResults.Ok(View(finding));
    }

    internal static async Task<(DataQualityFinding? Finding, ProblemHttpResult? Problem)> FindingForAsync(HttpContext http, SignedInOfficer officer,
        OfficerTask task, long id, string attempted, RegistryDbContext db, RegistryAccess access, CancellationToken cancellationToken)
    {
        var finding = await db.Findings.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (finding is null)
        {
            return (null, CitizenErrors.Problem(QualityErrors.FindingNotFound));
        }
        var refusal = await access.RefuseAsync(http, officer, task, finding.UnitCode, $"quality-finding:{id}", attempted, cancellationToken);
        return refusal is null ? (finding, null) : (null, refusal);
    }

    private static string[] CitizenSubjects(DataQualityFinding f) =>
        f.OtherCitizenId is { } other ? [$"citizen:{f.CitizenId}", $"citizen:{other}"] : [$"citizen:{f.CitizenId}"];

    public static FindingView View(DataQualityFinding f) => new(f.Id, QualityCheck.KindKey(f.Kind), f.CitizenId, f.OtherCitizenId, f.SubjectId,
        f.UnitCode, f.Score, f.Detail, f.Status.ToString(), f.FoundAt, f.ReviewedBy, f.ReviewedAt, f.ReviewNote);
}
