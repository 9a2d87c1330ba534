using Dinh.Platform.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// Hosted registries' errors (DINH-EXC-01nn, a range of their own beside the exchange's). The GovStack API gives
/// one error body, `{"detail":"no record found"}` for a read that finds nothing: that problem's detail is exactly
/// that text, in both languages, so a GovStack client reads it as the specification says.
/// </summary>
internal static class RegistryErrors
{
    public static readonly ErrorDefinition RegistryNotFound = new("DINH-EXC-0101", 404, "Registry not found",
        "Không có sổ đăng ký với mã và phiên bản này.", "No hosted registry has this code and version.");
    public static readonly ErrorDefinition NoRecord = new("DINH-EXC-0102", 404, "Record not found",
        "no record found", "no record found");
    public static readonly ErrorDefinition Invalid = new("DINH-EXC-0103", 400, "Invalid registry request",
        "Yêu cầu không hợp lệ theo API GovStack hoặc lược đồ của sổ đăng ký; xem lỗi của từng trường.",
        "The request does not fit the GovStack API or the registry's schema; see the error for each field.");
    public static readonly ErrorDefinition NoGrant = new("DINH-EXC-0104", 403, "No grant on this registry",
        "Thành viên không được cấp quyền thực hiện thao tác này trên sổ đăng ký cho mục đích đã nêu. Yêu cầu đã được ghi nhật ký.",
        "The member has no grant for this operation on this registry and purpose. The request has been recorded.");
    public static readonly ErrorDefinition Conflict = new("DINH-EXC-0105", 409, "Conflicting registry change",
        "Thay đổi xung đột với dữ liệu hiện có (khóa chính trùng, nhiều bản ghi khớp, hoặc bản ghi không còn hợp lệ với lược đồ mới).",
        "The change conflicts with the data held (a duplicate primary key, several matching records, or records the new schema would make invalid).");
    public static readonly ErrorDefinition PersonUnknown = new("DINH-EXC-0106", 404, "Person requests not found",
        "Không tìm thấy công dân với số định danh này.", "No citizen has this personal ID number.");

    public static readonly IReadOnlyList<ErrorDefinition> All = [RegistryNotFound, NoRecord, Invalid, NoGrant, Conflict, PersonUnknown];

    public static ProblemHttpResult Problem(ErrorDefinition error, IDictionary<string, object?>? extensions = null) =>
        ExchangeErrors.Problem(error, extensions);

    /// <summary>A 400 naming each invalid field (JSON path → error keys).</summary>
    public static ProblemHttpResult Fields(Dictionary<string, string[]> errors) =>
        Problem(Invalid, new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Field(string path, string error) => Fields(new() { [path] = [error] });
}
