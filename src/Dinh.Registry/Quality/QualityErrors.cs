using Dinh.Platform.Problems;

namespace Dinh.Registry.Quality;

/// <summary>Data-quality errors, DINH-REG-04xx. Jurisdiction, role, stale versions and validation reuse 0202, 0203, 0003 and 0001.</summary>
internal static class QualityErrors
{
    public static readonly ErrorDefinition FindingNotFound = new("DINH-REG-0401", 404, "Finding not found",
        "Không tìm thấy phát hiện về chất lượng dữ liệu.", "No such data-quality finding.");
    public static readonly ErrorDefinition AlreadyReviewed = new("DINH-REG-0402", 409, "Finding already reviewed",
        "Phát hiện này đã được xử lý (đã gộp, bỏ qua hoặc đã khắc phục).", "This finding has already been merged, dismissed or resolved.");
    public static readonly ErrorDefinition NotADuplicate = new("DINH-REG-0403", 409, "Not a duplicate candidate",
        "Chỉ gộp được hai hồ sơ nghi trùng.", "Only a duplicate candidate pair can be merged.");

    public static readonly ErrorDefinition RunInProgress = new("DINH-REG-0404", 409, "Quality run in progress",
        "Một lượt kiểm tra chất lượng dữ liệu khác đang chạy; hãy thử lại khi lượt đó xong.",
        "Another data-quality run is in progress; try again when it has finished.");

    public static readonly IReadOnlyList<ErrorDefinition> All = [FindingNotFound, AlreadyReviewed, NotADuplicate, RunInProgress];
}
