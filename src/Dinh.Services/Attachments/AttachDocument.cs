using System.Security.Cryptography;
using Dinh.Identity.Contracts;
using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Dinh.Services.Processing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Dinh.Services.Attachments;

/// <summary>An attachment as listed with its dossier: never the content, which is downloaded separately.</summary>
public sealed record AttachmentView(Guid Id, string Code, string FileName, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

/// <summary>
/// Attaching a document to an open dossier (the citizen), and downloading it (the citizen, or an officer whose agency
/// and jurisdiction cover the dossier). Size-limited (Dinh:Services:MaxAttachmentBytes, default 1,000,000, inside the
/// platform's request limit), typed by its magic bytes, scanned through <see cref="IAttachmentScanner"/>, stored in the database.
/// </summary>
internal static class AttachDocument
{
    public const long DefaultMaxBytes = 1_000_000;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/dossiers/{id:guid}/attachments", UploadAsync).WithName("AttachDocument")
            .WithSummary("Attach a PDF, PNG or JPEG to one of my open dossiers (multipart: code, file).")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/dossiers/{id:guid}/attachments/{attachmentId:guid}", DownloadOwnAsync).WithName("MyAttachment");
        api.MapGet("/officer/dossiers/{id:guid}/attachments/{attachmentId:guid}", DownloadAsOfficerAsync).WithName("OfficerAttachment");
    }

    public static async Task<Results<Created<AttachmentView>, ValidationProblem, ProblemHttpResult>> UploadAsync(Guid id, [FromForm] string? code,
        IFormFile? file, HttpContext http, ServicesDbContext db, SignedInCitizens citizens, IAttachmentScanner scanner, IConfiguration configuration,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (dossier, applicant, problem) = await MyDossiers.LoadAsync(id, http, db, citizens, tracked: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var spec = await new Catalogue.ProcedureCatalogue(db).VersionAsync(dossier!.ProcedureCode, dossier.ProcedureVersion, cancellationToken);
        if (string.IsNullOrWhiteSpace(code))
        {
            problems["code"] = "required";
        }
        else if (spec!.Attachments.All(a => a.Code != code))
        {
            problems["code"] = "unknown";
        }
        if (file is null || file.Length == 0)
        {
            problems["file"] = "required";
        }
        if (problems.Count > 0)
        {
            return ServicesErrors.Validation(problems);
        }
        if (!dossier.IsOpen)
        {
            return ServicesErrors.Problem(ServicesErrors.WrongState);
        }
        if (file!.Length > configuration.GetValue("Dinh:Services:MaxAttachmentBytes", DefaultMaxBytes))
        {
            return ServicesErrors.Problem(ServicesErrors.AttachmentTooLarge);
        }
        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, cancellationToken);
        }
        if (ContentSniffer.Sniff(content) is not { } type)
        {
            return ServicesErrors.Problem(ServicesErrors.AttachmentType);
        }
        if (await scanner.ScanAsync(content, cancellationToken) != ScanVerdict.Clean)
        {
            db.Audit(new AuditEvent(applicant!.Actor, "services.attachment.refused", "Nộp hồ sơ dịch vụ công")
            {
                Subject = $"citizen:{applicant.CitizenId}", RequestId = http.TraceIdentifier, Details = $"{{\"dossier\":\"{id}\",\"reason\":\"scanner\"}}",
            });
            await db.SaveChangesAsync(cancellationToken);
            return ServicesErrors.Problem(ServicesErrors.AttachmentInfected);
        }
        var now = clock.GetUtcNow();
        var name = Path.GetFileName(file.FileName ?? "");
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(now), DossierId = id, Code = code!, FileName = name.Length is 0 or > 200 ? code! : name, ContentType = type,
            Size = content.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), Content = content, UploadedAt = now,
            UploadedBy = applicant!.Actor,
        };
        db.Attachments.Add(attachment);
        db.Audit(new AuditEvent(applicant.Actor, "services.attachment.added", "Nộp hồ sơ dịch vụ công")
        {
            Subject = $"citizen:{applicant.CitizenId}", RequestId = http.TraceIdentifier,
            Details = $"{{\"dossier\":\"{id}\",\"attachment\":\"{attachment.Id}\",\"sha256\":\"{attachment.Sha256}\"}}",
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/services/dossiers/{id}/attachments/{attachment.Id}", View(attachment));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadOwnAsync(Guid id, Guid attachmentId, HttpContext http,
        ServicesDbContext db, SignedInCitizens citizens, CancellationToken cancellationToken)
    {
        var (_, _, problem) = await MyDossiers.LoadAsync(id, http, db, citizens, tracked: false, cancellationToken);
        return problem ?? await FileAsync(db, id, attachmentId, cancellationToken);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsOfficerAsync(Guid id, Guid attachmentId, HttpContext http,
        ServicesDbContext db, OfficerJurisdictions jurisdictions, CancellationToken cancellationToken)
    {
        var (_, _, problem) = await ProcessDossier.LoadAsync(id, http, db, jurisdictions, "attachment", tracked: false, cancellationToken);
        return problem ?? await FileAsync(db, id, attachmentId, cancellationToken);
    }

    public static async Task<IReadOnlyList<AttachmentView>> ListAsync(ServicesDbContext db, Guid dossierId, CancellationToken cancellationToken) =>
        (await db.Attachments.AsNoTracking().Where(a => a.DossierId == dossierId)
            .Select(a => new { a.Id, a.Code, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedAt }).ToListAsync(cancellationToken))
        .Select(a => new AttachmentView(a.Id, a.Code, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedAt)).OrderBy(a => a.UploadedAt).ToList();

    private static AttachmentView View(Attachment a) => new(a.Id, a.Code, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedAt);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> FileAsync(ServicesDbContext db, Guid dossierId, Guid attachmentId,
        CancellationToken cancellationToken)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.DossierId == dossierId, cancellationToken);
        return attachment is null ? ServicesErrors.Problem(ServicesErrors.DossierNotFound)
            : TypedResults.File(attachment.Content, attachment.ContentType, attachment.FileName);
    }
}
