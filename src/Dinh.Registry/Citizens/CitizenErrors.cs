using System.Globalization;
using Dinh.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Registry.Citizens;

/// <summary>
/// The registry's errors for citizens, events, households (DINH-REG-00xx) and officers (DINH-REG-02xx). Units use
/// 01xx in their own catalogue. Sentences name no personal data.
/// </summary>
internal static class CitizenErrors
{
    public static readonly ErrorDefinition Invalid = new("DINH-REG-0001", 400, "Validation failed",
        "Dữ liệu gửi lên không hợp lệ; xem lỗi của từng trường.", "Some fields are not valid; see the error for each field.");
    public static readonly ErrorDefinition CitizenNotFound = new("DINH-REG-0002", 404, "Citizen not found",
        "Không tìm thấy công dân.", "No such citizen.");
    public static readonly ErrorDefinition StaleVersion = new("DINH-REG-0003", 409, "Stale version",
        "Hồ sơ đã được người khác thay đổi sau khi bạn mở. Vui lòng tải lại và thử lại; không có gì bị ghi đè.",
        "The record changed after you read it. Reload and try again; nothing was overwritten.");
    public static readonly ErrorDefinition StateRefused = new("DINH-REG-0004", 409, "Not allowed in the current state",
        "Không thể thực hiện thao tác này với tình trạng hiện tại của hồ sơ.",
        "This cannot be done in the record's current state.");
    public static readonly ErrorDefinition HouseholdNotFound = new("DINH-REG-0005", 404, "Household not found",
        "Không tìm thấy hộ gia đình.", "No such household.");
    public static readonly ErrorDefinition HeadRequired = new("DINH-REG-0006", 409, "Household needs a head",
        "Chủ hộ rời hộ: cần chỉ định chủ hộ mới là một thành viên khác của hộ.",
        "The head is leaving the household: name another member as the new head.");
    public static readonly ErrorDefinition NumberUnavailable = new("DINH-REG-0007", 503, "No personal ID number available",
        "Không cấp được số định danh cá nhân mới. Vui lòng thử lại.", "No new personal ID number could be assigned. Try again.");

    public static readonly ErrorDefinition SignInRequired = new("DINH-REG-0201", 401, "Officer sign-in required",
        "Cần đăng nhập bằng tài khoản cán bộ.", "Sign in as an officer.");
    public static readonly ErrorDefinition OutsideJurisdiction = new("DINH-REG-0202", 403, "Outside jurisdiction",
        "Hồ sơ này nằm ngoài địa bàn bạn được giao quản lý. Lần truy cập đã được ghi nhật ký.",
        "This record is outside your jurisdiction. The attempt has been recorded.");
    public static readonly ErrorDefinition RoleNotAllowed = new("DINH-REG-0203", 403, "Role not allowed",
        "Vai trò của bạn không được thực hiện thao tác này.", "Your role does not allow this.");

    public static readonly IReadOnlyList<ErrorDefinition> All =
    [
        Invalid, CitizenNotFound, StaleVersion, StateRefused, HouseholdNotFound, HeadRequired, NumberUnavailable,
        SignInRequired, OutsideJurisdiction, RoleNotAllowed,
    ];

    public static ProblemHttpResult Problem(ErrorDefinition error, string? detail = null) =>
        TypedResults.Problem(detail ?? error.Detail(CultureInfo.CurrentUICulture), statusCode: error.Status, title: error.Title,
            type: ErrorResponses.ProblemTypePrefix + error.Code,
            extensions: new Dictionary<string, object?> { ["code"] = error.Code });
}
