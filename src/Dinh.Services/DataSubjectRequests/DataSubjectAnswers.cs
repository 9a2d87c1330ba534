using System.Data.Common;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Exchange.Contracts;
using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Http;

namespace Dinh.Services.DataSubjectRequests;

/// <summary>
/// The answer to an access request, generated from the data when the officer approves it (never typed): kept with
/// the dossier, so every download of the result is the same document.
/// </summary>
internal sealed class DataSubjectAnswer
{
    public Guid DossierId { get; init; }

    /// <summary>The answer as JSON text: the population record, sector records, hosted-registry records, consents, access log.</summary>
    public required string Json { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
}

/// <summary>
/// Approving a data-subject request (procedure `personal-data-request`, effect `data-subject-request`), by the kind the
/// citizen chose. Access: the answer is gathered from the registry (<see cref="SubjectAccessRecords"/>) and the
/// exchange (<see cref="PersonalDataHoldings"/>) at approval, stored in the approval's transaction and audited; it
/// becomes the result document. Correction: the correction itself is the registry's, made by the officer on the
/// registry's correction page with this dossier as legal basis (<see cref="CorrectionPath"/>); the result records that.
/// Restriction: every consent in force is withdrawn in the approval's transaction (<see cref="ConsentRestrictions"/>);
/// the result names what was withdrawn and the members whose sharing the law requires, which goes on. Deletion: the
/// decision only (the population record is kept under the Law on Identification; nothing is deleted by approval).
/// </summary>
internal sealed class DataSubjectAnswers(ServicesDbContext db, SubjectAccessRecords registry, PersonalDataHoldings exchange,
    ConsentRestrictions restrictions, TimeProvider clock)
{
    public const string Effect = "data-subject-request";
    public const string RequestKindField = "requestKind";

    public async Task<(Dictionary<string, string>? Result, string? RegistryCode, string? Field)> ApplyAsync(Dossier dossier, ProcedureSpec spec,
        DbTransaction transaction, HttpContext http, OfficerPrincipal officer, Dictionary<string, string> result, CancellationToken cancellationToken)
    {
        var kind = dossier.Fields.GetValueOrDefault(RequestKindField) ?? "";
        result[RequestKindField] = kind;
        result["number"] = $"{dossier.ReceiptCode}-KQ";
        if (kind == "correction")
        {
            result["registryCorrection"] = $"Chỉnh sửa trong Cơ sở dữ liệu quốc gia về dân cư, căn cứ hồ sơ {dossier.ReceiptCode}";
            return (result, null, null);
        }
        if (kind == "restriction")
        {
            var outcome = await restrictions.RestrictAsync(transaction, dossier.ApplicantCitizenId, officer.Actor,
                $"{spec.LegalBasis}; hồ sơ {dossier.ReceiptCode}", http.TraceIdentifier, cancellationToken);
            result["restriction"] = "Đã rút mọi sự đồng ý chia sẻ dữ liệu đang có hiệu lực; việc chia sẻ do luật quy định vẫn tiếp tục / "
                + "Every consent to share the data was withdrawn; sharing that the law requires goes on";
            result["consentsWithdrawn"] = outcome.Withdrawn.Count == 0 ? "0"
                : $"{outcome.Withdrawn.Count}: " + string.Join("; ", outcome.Withdrawn.Select(w => $"{w.Member} ({w.Purpose})"));
            result["sharingRequiredByLaw"] = outcome.ContinuingUnderLaw.Count == 0 ? "—" : string.Join("; ", outcome.ContinuingUnderLaw);
            return (result, null, null);
        }
        if (kind != "access")
        {
            return (result, null, null);
        }
        if (await registry.RecordAsync(dossier.ApplicantCitizenId, cancellationToken) is not { } record)
        {
            return (null, "DINH-REG-0002", "applicantPersonalIdNumber");
        }
        var numbers = record["idNumbers"]?.AsArray().Select(n => n?["number"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
        var now = clock.GetUtcNow();
        var answer = new JsonObject
        {
            ["receiptCode"] = dossier.ReceiptCode,
            ["generatedAt"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["legalBasis"] = spec.LegalBasis,
            ["populationRecord"] = record,
        };
        foreach (var (name, value) in await exchange.ForCitizenAsync(dossier.ApplicantCitizenId, numbers, cancellationToken))
        {
            answer[name] = value?.DeepClone();
        }
        var json = answer.ToJsonString();
        db.Add(new DataSubjectAnswer { DossierId = dossier.Id, Json = json, GeneratedAt = now });
        db.Audit(new AuditEvent(officer.Actor, "services.data-subject.answered", "Trả lời yêu cầu truy cập dữ liệu cá nhân của chủ thể dữ liệu")
        {
            Subject = $"citizen:{dossier.ApplicantCitizenId}", LegalBasis = spec.LegalBasis, RequestId = http.TraceIdentifier,
            Details = JsonSerializer.Serialize(new
            {
                dossier = dossier.Id, dossier.ReceiptCode, sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))),
                sectorRecords = answer["sectorRecords"]?.AsArray().Count, hostedRegistryRecords = answer["hostedRegistryRecords"]?.AsArray().Count,
                consents = answer["consents"]?.AsArray().Count, accessLog = answer["accessLog"]?.AsArray().Count,
            }),
        });
        result["document"] = "personal-data-request-answer";
        result["number"] = $"DL-{dossier.ReceiptCode}";
        return (result, null, null);
    }

    public static bool IsCorrectionRequest(DossierView dossier) =>
        dossier.ProcedureCode == "personal-data-request" && dossier.Fields.GetValueOrDefault(RequestKindField) == "correction";

    /// <summary>
    /// Where the officer corrects the citizen's record in the registry for a correction request: the registry's own
    /// correction page, which reads `purpose` and `legalBasis` from the query, with this dossier named in both.
    /// </summary>
    public static string CorrectionPath(Guid citizenId, string receiptCode, string legalBasis) =>
        $"/officer/citizens/{citizenId}/correct?purpose={Uri.EscapeDataString($"Giải quyết yêu cầu chỉnh sửa dữ liệu cá nhân, hồ sơ {receiptCode}")}"
        + $"&legalBasis={Uri.EscapeDataString($"{legalBasis}; hồ sơ {receiptCode}")}";

    /// <summary>The answer's sections as HTML, appended to the result document: a table per list, a list of facts per object.</summary>
    public static void RenderHtml(StringBuilder html, string json)
    {
        var answer = JsonNode.Parse(json)!.AsObject();
        foreach (var (name, vi, en) in Sections)
        {
            html.Append("<h2>").Append(Encode(vi)).Append(" / ").Append(Encode(en)).Append("</h2>\n");
            switch (answer[name])
            {
                case JsonObject facts:
                    Facts(html, facts);
                    break;
                case JsonArray { Count: 0 }:
                    html.Append("<p>Không có / None</p>\n");
                    break;
                case JsonArray rows:
                    Table(html, rows);
                    break;
                default:
                    html.Append("<p>Không có / None</p>\n");
                    break;
            }
            if (name == "accessLog" && answer["accessLogTotal"]?.GetValue<int>() is { } total && total > (answer["accessLog"] as JsonArray)?.Count)
            {
                html.Append("<p>").Append(Encode($"{(answer["accessLog"] as JsonArray)!.Count} / {total} (mới nhất / newest)")).Append("</p>\n");
            }
        }
    }

    private static readonly (string Name, string Vi, string En)[] Sections =
    [
        ("populationRecord", "Thông tin trong Cơ sở dữ liệu quốc gia về dân cư", "The population registry's record"),
        ("sectorRecords", "Dữ liệu chuyên ngành do các cơ quan cập nhật", "Sector records pushed by agencies"),
        ("hostedRegistryRecords", "Bản ghi trong sổ đăng ký của các cơ quan", "Records in agencies' hosted registries"),
        ("consents", "Sự đồng ý đã cho", "Consents given"),
        ("accessLog", "Nhật ký sử dụng dữ liệu", "Who used the data"),
    ];

    // Registry ids are internal: the document carries what a person reads (numbers, names, dates), not database keys.
    private static bool Shown(string key) => key != "id" && key != "version" && !key.EndsWith("Id", StringComparison.Ordinal);

    private static void Facts(StringBuilder html, JsonObject facts)
    {
        html.Append("<dl>\n");
        foreach (var (key, value) in facts.Where(p => Shown(p.Key)))
        {
            html.Append("<dt>").Append(Encode(key)).Append("</dt><dd>");
            switch (value)
            {
                case JsonArray { Count: > 0 } rows when rows.All(r => r is JsonObject):
                    Table(html, rows);
                    break;
                case JsonObject nested:
                    Facts(html, nested);
                    break;
                default:
                    html.Append(Encode(Text(value)));
                    break;
            }
            html.Append("</dd>\n");
        }
        html.Append("</dl>\n");
    }

    private static void Table(StringBuilder html, JsonArray rows)
    {
        var columns = rows.OfType<JsonObject>().SelectMany(r => r.Select(p => p.Key)).Where(Shown).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<table>\n<thead><tr>");
        foreach (var column in columns)
        {
            html.Append("<th scope=\"col\">").Append(Encode(column)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows.OfType<JsonObject>())
        {
            html.Append("<tr>");
            foreach (var column in columns)
            {
                html.Append("<td>").Append(Encode(Text(row[column]))).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>A value as one line of text: nested objects as `name: value` pairs, lists joined.</summary>
    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonObject o => string.Join("; ", o.Where(p => Shown(p.Key)).Select(p => $"{p.Key}: {Text(p.Value)}")),
        JsonArray a => string.Join("; ", a.Select(Text)),
        _ => value.ToJsonString(),
    };

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
