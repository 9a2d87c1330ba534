using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dinh.Identity.Contracts;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Services.Catalogue;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Dossiers;

/// <summary>A result document among the citizen's documents: which dossier, what it is, and the SHA-256 of the file.</summary>
public sealed record ResultDocumentView(Guid DossierId, string ReceiptCode, string ProcedureName, string Document, string Number, DateTimeOffset IssuedAt,
    string Sha256, string Download)
{
    /// <summary>The same document as data (JSON), for the answer to a data-subject access request; null for other results.</summary>
    public string? DownloadJson { get; init; }
}

/// <summary>
/// The result of an approved dossier as a file the citizen keeps: a self-contained HTML document (no script, no style
/// sheet, printable) rendered from the dossier's stored decision, so it is the same bytes at every download and its
/// SHA-256 (sent as <c>Content-Digest</c>, RFC 9530, and listed with the citizen's documents) identifies it. Only the
/// owner downloads it; anyone else gets 404, as for a dossier that does not exist, and the attempt is audited.
/// </summary>
internal static class ResultDocuments
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/dossiers/{id:guid}/result", DownloadAsync).WithName("DownloadResult")
            .WithSummary("The result document of one of my approved dossiers (HTML, with its SHA-256 in Content-Digest).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/dossiers/{id:guid}/result.json", DownloadJsonAsync).WithName("DownloadResultJson")
            .WithSummary("The answer to one of my approved data-subject access requests as JSON (SHA-256 in Content-Digest).")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/documents", ListAsync).WithName("MyResultDocuments").WithSummary("My result documents, newest first.");
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(Guid id, HttpContext http, ServicesDbContext db,
        SignedInCitizens citizens, ProcedureCatalogue catalogue, CancellationToken cancellationToken)
    {
        var (dossier, applicant, problem) = await MyDossiers.LoadAsync(id, http, db, citizens, tracked: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (dossier!.Status != DossierStatus.Approved || dossier.ResultJson is null)
        {
            return ServicesErrors.Problem(ServicesErrors.NoResult);
        }
        var spec = (await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken))!;
        var bytes = Render(dossier, spec, await AnswerAsync(db, dossier.Id, cancellationToken));
        return await SendAsync(http, db, dossier, applicant!, bytes, "text/html; charset=utf-8", $"{dossier.ReceiptCode}-ket-qua.html", cancellationToken);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadJsonAsync(Guid id, HttpContext http, ServicesDbContext db,
        SignedInCitizens citizens, CancellationToken cancellationToken)
    {
        var (dossier, applicant, problem) = await MyDossiers.LoadAsync(id, http, db, citizens, tracked: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (dossier!.Status != DossierStatus.Approved || await AnswerAsync(db, dossier.Id, cancellationToken) is not { } answer)
        {
            return ServicesErrors.Problem(ServicesErrors.NoResult);
        }
        return await SendAsync(http, db, dossier, applicant!, Encoding.UTF8.GetBytes(answer), "application/json; charset=utf-8",
            $"{dossier.ReceiptCode}-du-lieu-ca-nhan.json", cancellationToken);
    }

    /// <summary>The stored answer to an access request, if the dossier has one.</summary>
    internal static Task<string?> AnswerAsync(ServicesDbContext db, Guid dossierId, CancellationToken cancellationToken) =>
        db.DataSubjectAnswers.AsNoTracking().Where(a => a.DossierId == dossierId).Select(a => a.Json).FirstOrDefaultAsync(cancellationToken);

    private static async Task<FileContentHttpResult> SendAsync(HttpContext http, ServicesDbContext db, Dossier dossier, SignedInCitizen applicant, byte[] bytes,
        string contentType, string fileName, CancellationToken cancellationToken)
    {
        db.Audit(new AuditEvent(applicant.Actor, "services.result.downloaded", "Nhận kết quả giải quyết thủ tục hành chính")
        {
            Subject = $"citizen:{dossier.ApplicantCitizenId}", RequestId = http.TraceIdentifier,
            Details = System.Text.Json.JsonSerializer.Serialize(new { dossier = dossier.Id, dossier.ReceiptCode, sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) }),
        });
        await db.SaveChangesAsync(cancellationToken);
        http.Response.Headers["Content-Digest"] = $"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:";
        return TypedResults.File(bytes, contentType, fileName);
    }

    public static async Task<Results<Ok<List<ResultDocumentView>>, ProblemHttpResult>> ListAsync(HttpContext http, ServicesDbContext db,
        SignedInCitizens citizens, ProcedureCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (await citizens.FindAsync(http.User, cancellationToken) is not { } applicant)
        {
            return ServicesErrors.Problem(ServicesErrors.CitizenSignInRequired);
        }
        return TypedResults.Ok(await OfAsync(db, catalogue, applicant.AccountId, cancellationToken));
    }

    internal static async Task<List<ResultDocumentView>> OfAsync(ServicesDbContext db, ProcedureCatalogue catalogue, Guid accountId,
        CancellationToken cancellationToken)
    {
        var approved = await db.Dossiers.AsNoTracking().Include(d => d.Transitions)
            .Where(d => d.ApplicantAccountId == accountId && d.Status == DossierStatus.Approved && d.ResultJson != null)
            .OrderByDescending(d => d.Id).Take(200).ToListAsync(cancellationToken);
        // Newest decision first, ordered here: SQLite cannot order by a DateTimeOffset column.
        approved = approved.OrderByDescending(d => d.DecidedAt).ToList();
        var ids = approved.Select(d => d.Id).ToList();
        var answers = await db.DataSubjectAnswers.AsNoTracking().Where(a => ids.Contains(a.DossierId)).ToDictionaryAsync(a => a.DossierId, a => a.Json, cancellationToken);
        var documents = new List<ResultDocumentView>();
        foreach (var dossier in approved)
        {
            var spec = (await catalogue.VersionAsync(dossier.ProcedureCode, dossier.ProcedureVersion, cancellationToken))!;
            var result = Result(dossier);
            documents.Add(new ResultDocumentView(dossier.Id, dossier.ReceiptCode, spec.NameVi, result.GetValueOrDefault("document") ?? spec.Code,
                result.GetValueOrDefault("number") ?? dossier.ReceiptCode, dossier.DecidedAt!.Value,
                Convert.ToHexStringLower(SHA256.HashData(Render(dossier, spec, answers.GetValueOrDefault(dossier.Id)))), $"/api/services/dossiers/{dossier.Id}/result")
            {
                DownloadJson = answers.ContainsKey(dossier.Id) ? $"/api/services/dossiers/{dossier.Id}/result.json" : null,
            });
        }
        return documents;
    }

    /// <summary>The document's bytes: a pure function of the stored decision (never of the clock or the reader's language).</summary>
    internal static byte[] Render(Dossier dossier, ProcedureSpec spec, string? answer)
    {
        var result = Result(dossier);
        var issued = dossier.DecidedAt!.Value.InVietnam().ToString("yyyy-MM-dd HH:mm 'UTC+7'", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(Encode($"{spec.NameVi} — {dossier.ReceiptCode}")).Append("</title>\n</head>\n<body>\n")
            .Append("<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</p>\n")
            .Append("<h1>").Append(Encode(spec.NameVi)).Append("</h1>\n<p>").Append(Encode(spec.NameEn)).Append("</p>\n<dl>\n");
        void Row(string vi, string en, string? value)
        {
            html.Append("<dt>").Append(Encode(vi)).Append(" / ").Append(Encode(en)).Append("</dt><dd>").Append(Encode(value ?? "")).Append("</dd>\n");
        }
        Row("Số", "Number", result.GetValueOrDefault("number"));
        Row("Loại giấy tờ", "Document", result.GetValueOrDefault("document") ?? spec.ResultDocument);
        Row("Mã hồ sơ", "Receipt code", dossier.ReceiptCode);
        Row("Cơ quan giải quyết", "Issued by", spec.AgencyVi);
        Row("Căn cứ pháp lý", "Legal basis", spec.LegalBasis);
        Row("Ngày cấp", "Issued on", issued);
        foreach (var (name, value) in dossier.Fields.Where(f => f.Key is "applicantFullName" or "applicantPersonalIdNumber").OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Row(name == "applicantFullName" ? "Người nộp" : "Số định danh người nộp", name == "applicantFullName" ? "Applicant" : "Applicant's ID number", value);
        }
        // Registry ids are internal; the document carries the numbers a person reads (ID numbers, card numbers, dates).
        foreach (var (name, value) in result.Where(r => r.Key is not ("number" or "document") && !r.Key.EndsWith("Id", StringComparison.Ordinal))
                     .OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Row(name, name, value);
        }
        html.Append("</dl>\n");
        if (answer is not null)
        {
            DataSubjectRequests.DataSubjectAnswers.RenderHtml(html, answer);
        }
        html.Append("<p>Tài liệu điện tử do hệ thống Dinh cấp từ hồ sơ ").Append(Encode(dossier.ReceiptCode))
            .Append("; mã SHA-256 của tệp được ghi trong danh sách giấy tờ của công dân.</p>\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static Dictionary<string, string> Result(Dossier dossier) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(dossier.ResultJson ?? "{}") ?? [];

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
