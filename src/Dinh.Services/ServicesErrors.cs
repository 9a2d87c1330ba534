using System.Globalization;
using Dinh.Platform.Problems;
using Dinh.Platform.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Services;

/// <summary>The portal's errors (DINH-SVC-nnnn). Sentences name no personal data.</summary>
internal static class ServicesErrors
{
    public static readonly ErrorDefinition Invalid = new("DINH-SVC-0001", 400, "Validation failed",
        "Dữ liệu gửi lên không hợp lệ; xem lỗi của từng trường.", "Some fields are not valid; see the error for each field.");
    public static readonly ErrorDefinition CitizenSignInRequired = new("DINH-SVC-0002", 401, "Citizen sign-in required",
        "Cần đăng nhập bằng tài khoản định danh điện tử của công dân.", "Sign in with a citizen's e-ID account.");
    public static readonly ErrorDefinition DossierNotFound = new("DINH-SVC-0003", 404, "Dossier not found",
        "Không tìm thấy hồ sơ.", "No such dossier.");
    public static readonly ErrorDefinition StaleVersion = new("DINH-SVC-0004", 409, "Stale version",
        "Hồ sơ đã được người khác xử lý sau khi bạn mở. Vui lòng tải lại; không có gì bị ghi đè.",
        "The dossier changed after you opened it. Reload; nothing was overwritten.");
    public static readonly ErrorDefinition WrongState = new("DINH-SVC-0005", 409, "Not allowed in the dossier's state",
        "Không thể thực hiện thao tác này với trạng thái hiện tại của hồ sơ.", "This cannot be done in the dossier's current state.");
    public static readonly ErrorDefinition ClaimedByAnother = new("DINH-SVC-0006", 409, "Claimed by another officer",
        "Hồ sơ đang do cán bộ khác xử lý.", "Another officer has claimed this dossier.");
    public static readonly ErrorDefinition OfficerSignInRequired = new("DINH-SVC-0007", 401, "Officer sign-in required",
        "Cần đăng nhập bằng tài khoản cán bộ.", "Sign in as an officer.");
    public static readonly ErrorDefinition OutsideJurisdiction = new("DINH-SVC-0008", 403, "Outside jurisdiction",
        "Hồ sơ này nằm ngoài địa bàn hoặc lĩnh vực bạn được giao. Lần truy cập đã được ghi nhật ký.",
        "This dossier is outside your jurisdiction or agency. The attempt has been recorded.");
    public static readonly ErrorDefinition ProcedureNotFound = new("DINH-SVC-0009", 404, "Procedure not found",
        "Không có thủ tục này trong danh mục.", "No such procedure in the catalogue.");
    public static readonly ErrorDefinition RegistryRefused = new("DINH-SVC-0010", 409, "The registry refused the change",
        "Cơ sở dữ liệu dân cư không chấp nhận thay đổi; hồ sơ chưa được phê duyệt và không có gì được ghi.",
        "The population registry refused the change; the dossier is not approved and nothing was written.");
    public static readonly ErrorDefinition AdministratorRequired = new("DINH-SVC-0011", 403, "Administrator required",
        "Chỉ quản trị hệ thống được thay đổi danh mục thủ tục và lịch làm việc.", "Only administrators change the catalogue and the calendar.");
    public static readonly ErrorDefinition IdempotencyConflict = new("DINH-SVC-0012", 409, "Idempotency key reused",
        "Mã chống gửi trùng đã được dùng cho một hồ sơ khác.", "This idempotency key was already used for a different submission.");
    public static readonly ErrorDefinition NoHousehold = new("DINH-SVC-0013", 409, "No permanent residence",
        "Người nộp chưa có nơi thường trú trong cơ sở dữ liệu dân cư, nên không thể đăng ký thường trú cho trẻ theo hộ của mình.",
        "The applicant has no permanent residence in the registry, so the child cannot join their household.");
    public static readonly ErrorDefinition AttachmentTooLarge = new("DINH-SVC-0014", 413, "Attachment too large",
        "Tệp đính kèm vượt quá dung lượng cho phép.", "The attachment is larger than allowed.");
    public static readonly ErrorDefinition AttachmentType = new("DINH-SVC-0015", 415, "Attachment type not accepted",
        "Chỉ nhận tệp PDF, PNG hoặc JPEG (nhận diện theo nội dung tệp).", "Only PDF, PNG or JPEG files are accepted (recognised from the content).");
    public static readonly ErrorDefinition AttachmentInfected = new("DINH-SVC-0016", 422, "Attachment refused by the scanner",
        "Tệp đính kèm không qua được kiểm tra mã độc và không được lưu.", "The attachment failed the malware scan and was not stored.");
    public static readonly ErrorDefinition PaymentForged = new("DINH-SVC-0017", 400, "Payment callback refused",
        "Thông báo thanh toán không hợp lệ (sai chữ ký hoặc số tiền) và đã bị từ chối.", "The payment notification is not valid (signature or amount) and was refused.");
    public static readonly ErrorDefinition FeeNotPaid = new("DINH-SVC-0018", 409, "Fee not paid",
        "Hồ sơ chưa nộp lệ phí nên chưa thể phê duyệt.", "The fee has not been paid, so the dossier cannot be approved.");
    public static readonly ErrorDefinition NoResult = new("DINH-SVC-0019", 404, "No result document",
        "Hồ sơ chưa có kết quả (chưa được phê duyệt).", "The dossier has no result yet (it is not approved).");
    public static readonly ErrorDefinition ClaimantCanAct = new("DINH-SVC-0020", 409, "The claimant can still act",
        "Cán bộ đang xử lý hồ sơ vẫn còn hoạt động và đúng lĩnh vực, địa bàn; đề nghị người đó trả lại hồ sơ.",
        "The officer who claimed this dossier is active and still covers it; ask them to release it.");

    public static readonly IReadOnlyList<ErrorDefinition> All =
    [
        Invalid, CitizenSignInRequired, DossierNotFound, StaleVersion, WrongState, ClaimedByAnother, OfficerSignInRequired,
        OutsideJurisdiction, ProcedureNotFound, RegistryRefused, AdministratorRequired, IdempotencyConflict, NoHousehold, AttachmentTooLarge,
        AttachmentType, AttachmentInfected, PaymentForged, FeeNotPaid, NoResult, ClaimantCanAct,
    ];

    public static ProblemHttpResult Problem(ErrorDefinition error, string? detail = null, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?>(extra ?? new Dictionary<string, object?>()) { ["code"] = error.Code };
        return TypedResults.Problem(detail ?? error.Detail(CultureInfo.CurrentUICulture), statusCode: error.Status, title: error.Title,
            type: ErrorResponses.ProblemTypePrefix + error.Code, extensions: extensions);
    }

    public static ValidationProblem Validation(IReadOnlyDictionary<string, string> problems)
    {
        var english = Cultures.IsEnglish;
        var errors = problems.ToDictionary(p => p.Key, p => new[] { Sentence(p.Value, english) }, StringComparer.Ordinal);
        return TypedResults.ValidationProblem(errors, Invalid.Detail(CultureInfo.CurrentUICulture), title: Invalid.Title,
            type: ErrorResponses.ProblemTypePrefix + Invalid.Code,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = Invalid.Code,
                ["problems"] = new Dictionary<string, string>(problems, StringComparer.Ordinal),
            });
    }

    public static string Sentence(string problem, bool english) => problem switch
    {
        "required" => english ? "This field is required." : "Trường này là bắt buộc.",
        "too-long" => english ? "This value is too long." : "Giá trị quá dài.",
        "format" => english ? "The format is not valid." : "Sai định dạng.",
        "in-the-future" => english ? "The date is in the future." : "Ngày ở tương lai.",
        "in-the-past" => english ? "The date must be later than today." : "Ngày phải sau hôm nay.",
        "unknown" => english ? "Unknown value." : "Giá trị không có trong danh mục.",
        "unknown-unit" => english ? "No commune-level unit has this code today." : "Không có đơn vị hành chính cấp xã nào mang mã này.",
        "not-found" => english ? "No citizen has this personal ID number." : "Không có công dân mang số định danh này.",
        "no-household" => english ? "This person has no permanent household." : "Người này chưa có hộ thường trú.",
        "not-a-choice" => english ? "Not one of the procedures of this bundle." : "Không phải thủ tục của nhóm liên thông này.",
        "locked" => english ? "This value comes from the registry and cannot be changed here." : "Giá trị lấy từ cơ sở dữ liệu, không sửa tại đây.",
        _ => english ? "Not valid." : "Không hợp lệ.",
    };
}
