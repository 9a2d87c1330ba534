using System.Globalization;

namespace Dinh.Platform.Problems;

/// <summary>A stable error: clients and tests match on <see cref="Code"/>, never on the wording.</summary>
public sealed record ErrorDefinition(string Code, int Status, string Title, string DetailVi, string DetailEn)
{
    public string Detail(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "en" ? DetailEn : DetailVi;
}

/// <summary>The platform's errors. Modules keep their own catalogues (DINH-REG-…, DINH-IDN-…).</summary>
public static class PlatformErrors
{
    public static readonly ErrorDefinition RouteNotFound = new("DINH-PLT-0001", 404, "Not found",
        "Không tìm thấy địa chỉ này.", "Nothing exists at this address.");
    public static readonly ErrorDefinition MethodNotAllowed = new("DINH-PLT-0002", 405, "Method not allowed",
        "Địa chỉ này không hỗ trợ phương thức HTTP đã dùng.", "This address does not accept that HTTP method.");
    public static readonly ErrorDefinition MalformedRequest = new("DINH-PLT-0003", 400, "Malformed request",
        "Yêu cầu không đúng định dạng (ví dụ JSON sai cú pháp hoặc tham số không hợp lệ).",
        "The request is malformed (for example invalid JSON or an invalid parameter).");
    public static readonly ErrorDefinition UnsupportedMediaType = new("DINH-PLT-0004", 415, "Unsupported media type",
        "Kiểu nội dung (Content-Type) của yêu cầu không được hỗ trợ.", "The request's Content-Type is not supported here.");
    public static readonly ErrorDefinition PayloadTooLarge = new("DINH-PLT-0005", 413, "Payload too large",
        "Nội dung yêu cầu vượt quá kích thước cho phép.", "The request body is larger than allowed.");
    public static readonly ErrorDefinition AntiforgeryFailed = new("DINH-PLT-0006", 400, "Form expired or forged",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
        "The form has expired or is not valid. Reload the page and try again.");
    public static readonly ErrorDefinition TooManyRequests = new("DINH-PLT-0007", 429, "Too many requests",
        "Quá nhiều yêu cầu. Vui lòng thử lại sau.", "Too many requests. Try again later.");
    public static readonly ErrorDefinition DatabaseUnavailable = new("DINH-PLT-0008", 503, "Service unavailable",
        "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.",
        "The database is temporarily unavailable. Try again in a few minutes.");
    public static readonly ErrorDefinition Internal = new("DINH-PLT-0009", 500, "Internal error",
        "Đã có lỗi phía máy chủ. Lỗi đã được ghi lại; vui lòng thử lại.",
        "Something went wrong on the server. It has been logged; please try again.");
    public static readonly ErrorDefinition Unauthorized = new("DINH-PLT-0010", 401, "Authentication required",
        "Cần đăng nhập để truy cập.", "You need to sign in.");
    public static readonly ErrorDefinition Forbidden = new("DINH-PLT-0011", 403, "Forbidden",
        "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.");
    public static readonly ErrorDefinition Conflict = new("DINH-PLT-0012", 409, "Conflict",
        "Dữ liệu đã bị thay đổi bởi người khác. Vui lòng tải lại và thử lại.",
        "The data was changed by someone else. Reload and try again.");
    public static readonly ErrorDefinition ValidationFailed = new("DINH-PLT-0013", 400, "Validation failed",
        "Dữ liệu gửi lên không hợp lệ.", "Some of the submitted data is not valid.");

    public static readonly ErrorDefinition RequestRefused = new("DINH-PLT-0014", 400, "Request refused",
        "Yêu cầu không được chấp nhận.", "The request was refused.");

    public static readonly IReadOnlyList<ErrorDefinition> All =
    [
        RequestRefused,
        RouteNotFound, MethodNotAllowed, MalformedRequest, UnsupportedMediaType, PayloadTooLarge, AntiforgeryFailed,
        TooManyRequests, DatabaseUnavailable, Internal, Unauthorized, Forbidden, Conflict, ValidationFailed,
    ];

    /// <summary>The error a bare status code stands for, when a framework component set only the status.</summary>
    public static ErrorDefinition ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => RouteNotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => DatabaseUnavailable,
        < 500 => RequestRefused,
        _ => Internal,
    };
}
