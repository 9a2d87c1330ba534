namespace Dinh.Registry.Contracts;

public sealed record Ethnicity(string Code, string Name);

/// <summary>
/// The 54 recognised ethnic groups with the statistics office's codes (Decision 121-TCTK/PPCĐ), and code 55 for
/// people of foreign origin. Ethnicity is sensitive personal data (Decree 13/2023 Art. 2(4)): it leaves the
/// registry only through an explicit grant.
/// </summary>
public static class Ethnicities
{
    public const string ForeignOrigin = "55";

    public static readonly IReadOnlyList<Ethnicity> All =
    [
        new("01", "Kinh"),
        new("02", "Tày"),
        new("03", "Thái"),
        new("04", "Hoa"),
        new("05", "Khmer"),
        new("06", "Mường"),
        new("07", "Nùng"),
        new("08", "Mông"),
        new("09", "Dao"),
        new("10", "Gia Rai"),
        new("11", "Ngái"),
        new("12", "Ê Đê"),
        new("13", "Ba Na"),
        new("14", "Xơ Đăng"),
        new("15", "Sán Chay"),
        new("16", "Cơ Ho"),
        new("17", "Chăm"),
        new("18", "Sán Dìu"),
        new("19", "Hrê"),
        new("20", "Mnông"),
        new("21", "Ra Glai"),
        new("22", "Xtiêng"),
        new("23", "Bru Vân Kiều"),
        new("24", "Thổ"),
        new("25", "Giáy"),
        new("26", "Cơ Tu"),
        new("27", "Gié Triêng"),
        new("28", "Mạ"),
        new("29", "Khơ Mú"),
        new("30", "Co"),
        new("31", "Tà Ôi"),
        new("32", "Chơ Ro"),
        new("33", "Kháng"),
        new("34", "Xinh Mun"),
        new("35", "Hà Nhì"),
        new("36", "Chu Ru"),
        new("37", "Lào"),
        new("38", "La Chí"),
        new("39", "La Ha"),
        new("40", "Phù Lá"),
        new("41", "La Hủ"),
        new("42", "Lự"),
        new("43", "Lô Lô"),
        new("44", "Chứt"),
        new("45", "Mảng"),
        new("46", "Pà Thẻn"),
        new("47", "Cơ Lao"),
        new("48", "Cống"),
        new("49", "Bố Y"),
        new("50", "Si La"),
        new("51", "Pu Péo"),
        new("52", "Brâu"),
        new("53", "Ơ Đu"),
        new("54", "Rơ Măm"),
        new(ForeignOrigin, "Người nước ngoài"),
    ];

    public static readonly IReadOnlyDictionary<string, Ethnicity> ByCode = All.ToDictionary(e => e.Code);
}
