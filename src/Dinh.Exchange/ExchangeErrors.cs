using System.Globalization;
using Dinh.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Exchange;

/// <summary>The exchange's errors (DINH-EXC-nnnn). Sentences are for an integrator and name no personal data.</summary>
internal static class ExchangeErrors
{
    public static readonly ErrorDefinition TokenRequired = new("DINH-EXC-0001", 401, "Access token required",
        "Cần access token hợp lệ do Dinh cấp với phạm vi \"exchange\" (client credentials, private_key_jwt).",
        "A valid access token issued by Dinh with the \"exchange\" scope is required (client credentials, private_key_jwt).");
    public static readonly ErrorDefinition NotAMember = new("DINH-EXC-0002", 403, "Not an active member",
        "Hệ thống gọi không phải là thành viên đang hoạt động của nền tảng chia sẻ dữ liệu.",
        "The calling system is not an active member of the data exchange.");
    public static readonly ErrorDefinition PurposeRequired = new("DINH-EXC-0003", 400, "Purpose and case reference required",
        "Thiếu hoặc sai tiêu đề Dinh-Purpose (mã mục đích) hoặc Dinh-Case-Reference (số hồ sơ, tối đa 100 ký tự).",
        "The Dinh-Purpose header (a purpose code) or the Dinh-Case-Reference header (case number, at most 100 characters) is missing or invalid.");
    public static readonly ErrorDefinition NoGrant = new("DINH-EXC-0004", 403, "No grant for this purpose",
        "Thành viên không được cấp quyền truy cập dữ liệu này cho mục đích đã nêu. Yêu cầu đã được ghi nhật ký.",
        "The member has no grant for this data and purpose. The request has been recorded.");
    public static readonly ErrorDefinition FieldsOutsideGrant = new("DINH-EXC-0005", 403, "Fields outside the grant",
        "Một số trường được yêu cầu nằm ngoài phạm vi được cấp quyền. Yêu cầu đã được ghi nhật ký.",
        "Some requested fields are outside the grant. The request has been recorded.");
    public static readonly ErrorDefinition ConsentRequired = new("DINH-EXC-0006", 403, "Citizen's consent required",
        "Quyền truy cập này cần sự đồng ý của công dân, và không có sự đồng ý còn hiệu lực. Yêu cầu đã được ghi nhật ký.",
        "This access needs the citizen's consent and none is in force. The request has been recorded.");
    public static readonly ErrorDefinition PersonNotFound = new("DINH-EXC-0007", 404, "Person not found",
        "Không tìm thấy công dân với số định danh này.", "No citizen has this personal ID number.");
    public static readonly ErrorDefinition Invalid = new("DINH-EXC-0008", 400, "Validation failed",
        "Dữ liệu gửi lên không hợp lệ; xem lỗi của từng trường.", "Some fields are not valid; see the error for each field.");
    public static readonly ErrorDefinition RateLimited = new("DINH-EXC-0009", 429, "Too many requests",
        "Thành viên đã vượt giới hạn số yêu cầu. Thử lại sau số giây trong tiêu đề Retry-After.",
        "The member exceeded its request rate. Retry after the number of seconds in the Retry-After header.");

    public static readonly IReadOnlyList<ErrorDefinition> All =
        [TokenRequired, NotAMember, PurposeRequired, NoGrant, FieldsOutsideGrant, ConsentRequired, PersonNotFound, Invalid, RateLimited];

    public static ProblemHttpResult Problem(ErrorDefinition error, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?> { ["code"] = error.Code };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            all[key] = value;
        }
        return TypedResults.Problem(error.Detail(CultureInfo.CurrentUICulture), statusCode: error.Status, title: error.Title,
            type: ErrorResponses.ProblemTypePrefix + error.Code, extensions: all);
    }

    /// <summary>A 400 naming each invalid field (field → error keys), as the registry's validation problems do.</summary>
    public static ProblemHttpResult Fields(Dictionary<string, string[]> errors) =>
        Problem(Invalid, new Dictionary<string, object?> { ["errors"] = errors });
}
