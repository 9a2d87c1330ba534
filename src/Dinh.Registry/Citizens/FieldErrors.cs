using System.Globalization;
using System.Text;
using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Registry.Citizens;

/// <summary>
/// Collects what is wrong with a request, field by field, before anything is written. Each field gets a sentence
/// for people and a stable problem key for programs (<c>problems</c> extension).
/// </summary>
internal sealed class FieldErrors
{
    public const int MaxTextLength = 200;

    private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);

    public bool Any => _problems.Count > 0;

    public IReadOnlyDictionary<string, string> Problems => _problems;

    public void Add(string field, string problem) => _problems.TryAdd(field, problem);

    public string? Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "required");
            return null;
        }
        if (value.Length > MaxTextLength)
        {
            Add(field, "too-long");
            return null;
        }
        return VietnameseText.Clean(value);
    }

    public string? Name(string field, string? value, bool required = true)
    {
        if (!required && string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (VietnameseText.NameProblem(value) is { } problem)
        {
            Add(field, problem);
            return null;
        }
        return VietnameseText.Clean(value!);
    }

    /// <summary>Free text such as a birthplace: no control or invisible characters, bounded length; NFC.</summary>
    public string? Text(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (value.Length > MaxTextLength)
        {
            Add(field, "too-long");
            return null;
        }
        if (value.EnumerateRunes().Any(r => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse))
        {
            Add(field, "invisible-character");
            return null;
        }
        return VietnameseText.Clean(value);
    }

    public PartialDate? PartialDate(string field, string? value, DateOnly today, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "required");
            }
            return null;
        }
        var date = Contracts.PartialDate.Parse(value, out var problem);
        if (date is null)
        {
            Add(field, problem ?? "format");
            return null;
        }
        if (date.Value.Earliest > today)
        {
            Add(field, "in-the-future");
            return null;
        }
        return date;
    }

    public DateOnly? Date(string field, string? value, DateOnly today, bool required = true, bool allowFuture = false)
    {
        var date = PartialDate(field, value, allowFuture ? DateOnly.MaxValue : today, required);
        if (date is null)
        {
            return null;
        }
        if (date.Value.AsDate is not { } full)
        {
            Add(field, "incomplete");
            return null;
        }
        return full;
    }

    public Sex? Sex(string field, string? value)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "MALE" or "M" or "NAM":
                return Contracts.Sex.Male;
            case "FEMALE" or "F" or "NU" or "NỮ":
                return Contracts.Sex.Female;
            case null or "":
                Add(field, "required");
                return null;
            default:
                Add(field, "unknown");
                return null;
        }
    }

    public string? Ethnicity(string field, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        if (!Ethnicities.ByCode.ContainsKey(code.Trim()))
        {
            Add(field, "unknown");
            return null;
        }
        return code.Trim();
    }

    public string? Nationality(string field, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }
        var value = code.Trim().ToUpperInvariant();
        if (value.Length != 2 || !value.All(char.IsAsciiLetterUpper))
        {
            Add(field, "format");
            return null;
        }
        return value;
    }

    public ValidationProblem ToProblem()
    {
        var english = Cultures.IsEnglish;
        var errors = _problems.ToDictionary(p => p.Key, p => new[] { Sentence(p.Value, english) }, StringComparer.Ordinal);
        return TypedResults.ValidationProblem(errors, CitizenErrors.Invalid.Detail(CultureInfo.CurrentUICulture),
            title: CitizenErrors.Invalid.Title, type: Dinh.Platform.Problems.ErrorResponses.ProblemTypePrefix + CitizenErrors.Invalid.Code,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = CitizenErrors.Invalid.Code,
                ["problems"] = new Dictionary<string, string>(_problems, StringComparer.Ordinal),
            });
    }

    public static string Sentence(string problem, bool english) => problem switch
    {
        "required" => english ? "This field is required." : "Trường này là bắt buộc.",
        "too-long" => english ? "This value is too long." : "Giá trị quá dài.",
        "invisible-character" => english ? "Contains a control or invisible (zero-width) character." : "Có ký tự điều khiển hoặc ký tự vô hình (độ rộng bằng 0).",
        "mixed-script" => english ? "Mixes letters from another script (for example Cyrillic) into a Latin name." : "Có chữ cái của hệ chữ khác (ví dụ Kirin) lẫn vào tên.",
        "invalid-character" => english ? "Contains a character a name cannot have (digits, symbols)." : "Có ký tự không được phép trong tên (chữ số, ký hiệu).",
        "format" => english ? "The format is not valid." : "Sai định dạng.",
        "impossible" => english ? "This date does not exist." : "Ngày này không tồn tại.",
        "in-the-future" => english ? "The date is in the future." : "Ngày ở tương lai.",
        "incomplete" => english ? "A full date (yyyy-MM-dd) is required." : "Cần ngày đầy đủ (yyyy-MM-dd).",
        "unknown" => english ? "Unknown value." : "Giá trị không có trong danh mục.",
        "unknown-unit" => english ? "No commune-level unit has this code today." : "Không có đơn vị hành chính cấp xã nào mang mã này.",
        "province" => english ? "Unknown birth-registration province prefix." : "Mã tỉnh nơi đăng ký khai sinh không hợp lệ.",
        "sex" => english ? "The century/sex digit does not match the sex." : "Mã thế kỷ/giới tính không khớp với giới tính.",
        "birth-year" => english ? "The year digits do not match the year of birth." : "Năm sinh trong số không khớp với ngày sinh.",
        "too-late" => english ? "A temporary residence lasts at most 2 years (Law on Residence, Art. 27)." : "Tạm trú tối đa 2 năm (Luật Cư trú, Điều 27).",
        "before-start" => english ? "Must be after the start date." : "Phải sau ngày bắt đầu.",
        "before-birth" => english ? "Cannot be before the date of birth." : "Không thể trước ngày sinh.",
        "not-found" => english ? "No such record." : "Không tìm thấy hồ sơ.",
        "not-a-member" => english ? "Not a member of this household." : "Không phải thành viên của hộ.",
        "elsewhere" => english ? "This household is registered in another commune." : "Hộ này đăng ký ở xã/phường khác.",
        "head-not-in-members" => english ? "The new head must be one of the members who separate." : "Chủ hộ mới phải là một trong các thành viên tách hộ.",
        "same-person" => english ? "Cannot be the same person." : "Không thể là cùng một người.",
        "minor" => english ? "A guardian must be an adult (18 or over)." : "Người giám hộ phải đủ 18 tuổi.",
        "deceased" => english ? "This person's death is registered." : "Người này đã được đăng ký khai tử.",
        _ => english ? "Not valid." : "Không hợp lệ.",
    };
}
