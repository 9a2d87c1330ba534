using Dinh.Platform.Problems;

namespace Dinh.Registry.Units;

/// <summary>
/// The administrative-unit errors, DINH-REG-01xx (the registry's other features use 00xx and 02xx+). Clients and
/// tests match on the code, never on the wording.
/// </summary>
public static class UnitErrors
{
    public static readonly ErrorDefinition InvalidDate = new("DINH-REG-0101", 400, "Invalid date",
        "Ngày không hợp lệ: dùng định dạng năm-tháng-ngày, ví dụ 2025-07-01.",
        "The date is not valid: use year-month-day, for example 2025-07-01.");
    public static readonly ErrorDefinition InvalidLevel = new("DINH-REG-0102", 400, "Invalid level",
        "Cấp đơn vị không hợp lệ: dùng province (tỉnh), district (huyện) hoặc commune (xã).",
        "The level is not valid: use province, district or commune.");
    public static readonly ErrorDefinition InvalidPage = new("DINH-REG-0103", 400, "Invalid page",
        "Trang phải từ 1 đến 10000; số dòng mỗi trang từ 1 đến 100.",
        "The page must be between 1 and 10000, and the page size between 1 and 100.");
    public static readonly ErrorDefinition QueryTooLong = new("DINH-REG-0104", 400, "Search text too long",
        "Nội dung tìm kiếm dài tối đa 100 ký tự.", "The search text is at most 100 characters long.");
    public static readonly ErrorDefinition InvalidCode = new("DINH-REG-0105", 400, "Invalid unit code",
        "Mã đơn vị hành chính gồm 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số.",
        "An administrative unit code has 2 (province), 3 (district) or 5 (commune) digits.");
    public static readonly ErrorDefinition UnitNotFound = new("DINH-REG-0110", 404, "Administrative unit not found",
        "Không có đơn vị hành chính nào mang mã này vào ngày đã chọn.",
        "No administrative unit has this code on the chosen date.");

    public static readonly IReadOnlyList<ErrorDefinition> All = [InvalidDate, InvalidLevel, InvalidPage, QueryTooLong, InvalidCode, UnitNotFound];
}
