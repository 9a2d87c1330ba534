namespace Dinh.Registry.Contracts;

/// <summary>A birth-registration province as encoded in the first three digits of a personal ID number.</summary>
public sealed record BirthRegistrationProvince(string Code, string Name, string SuccessorCode, string SuccessorName);

/// <summary>
/// The 63 prefixes of Circular 07/2016 (each the pre-2025 GSO province code, zero-padded), with the province that
/// replaced each one on 2025-07-01 (shared/data/cccd-province-codes.csv). The list is historical: numbers never
/// change when provinces merge, and births registered after the merger carry one of the surviving codes.
/// </summary>
public static class BirthRegistrationProvinces
{
    public static readonly IReadOnlyDictionary<string, BirthRegistrationProvince> ByPrefix = new Dictionary<string, BirthRegistrationProvince>
    {
        ["001"] = new("01", "Hà Nội", "01", "Thành phố Hà Nội"),
        ["002"] = new("02", "Hà Giang", "08", "Tỉnh Tuyên Quang"),
        ["004"] = new("04", "Cao Bằng", "04", "Tỉnh Cao Bằng"),
        ["006"] = new("06", "Bắc Kạn", "19", "Tỉnh Thái Nguyên"),
        ["008"] = new("08", "Tuyên Quang", "08", "Tỉnh Tuyên Quang"),
        ["010"] = new("10", "Lào Cai", "15", "Tỉnh Lào Cai"),
        ["011"] = new("11", "Điện Biên", "11", "Tỉnh Điện Biên"),
        ["012"] = new("12", "Lai Châu", "12", "Tỉnh Lai Châu"),
        ["014"] = new("14", "Sơn La", "14", "Tỉnh Sơn La"),
        ["015"] = new("15", "Yên Bái", "15", "Tỉnh Lào Cai"),
        ["017"] = new("17", "Hòa Bình", "25", "Tỉnh Phú Thọ"),
        ["019"] = new("19", "Thái Nguyên", "19", "Tỉnh Thái Nguyên"),
        ["020"] = new("20", "Lạng Sơn", "20", "Tỉnh Lạng Sơn"),
        ["022"] = new("22", "Quảng Ninh", "22", "Tỉnh Quảng Ninh"),
        ["024"] = new("24", "Bắc Giang", "24", "Tỉnh Bắc Ninh"),
        ["025"] = new("25", "Phú Thọ", "25", "Tỉnh Phú Thọ"),
        ["026"] = new("26", "Vĩnh Phúc", "25", "Tỉnh Phú Thọ"),
        ["027"] = new("27", "Bắc Ninh", "24", "Tỉnh Bắc Ninh"),
        ["030"] = new("30", "Hải Dương", "31", "Thành phố Hải Phòng"),
        ["031"] = new("31", "Hải Phòng", "31", "Thành phố Hải Phòng"),
        ["033"] = new("33", "Hưng Yên", "33", "Tỉnh Hưng Yên"),
        ["034"] = new("34", "Thái Bình", "33", "Tỉnh Hưng Yên"),
        ["035"] = new("35", "Hà Nam", "37", "Tỉnh Ninh Bình"),
        ["036"] = new("36", "Nam Định", "37", "Tỉnh Ninh Bình"),
        ["037"] = new("37", "Ninh Bình", "37", "Tỉnh Ninh Bình"),
        ["038"] = new("38", "Thanh Hóa", "38", "Tỉnh Thanh Hóa"),
        ["040"] = new("40", "Nghệ An", "40", "Tỉnh Nghệ An"),
        ["042"] = new("42", "Hà Tĩnh", "42", "Tỉnh Hà Tĩnh"),
        ["044"] = new("44", "Quảng Bình", "44", "Tỉnh Quảng Trị"),
        ["045"] = new("45", "Quảng Trị", "44", "Tỉnh Quảng Trị"),
        ["046"] = new("46", "Thừa Thiên Huế", "46", "Thành phố Huế"),
        ["048"] = new("48", "Đà Nẵng", "48", "Thành phố Đà Nẵng"),
        ["049"] = new("49", "Quảng Nam", "48", "Thành phố Đà Nẵng"),
        ["051"] = new("51", "Quảng Ngãi", "51", "Tỉnh Quảng Ngãi"),
        ["052"] = new("52", "Bình Định", "52", "Tỉnh Gia Lai"),
        ["054"] = new("54", "Phú Yên", "66", "Tỉnh Đắk Lắk"),
        ["056"] = new("56", "Khánh Hòa", "56", "Tỉnh Khánh Hòa"),
        ["058"] = new("58", "Ninh Thuận", "56", "Tỉnh Khánh Hòa"),
        ["060"] = new("60", "Bình Thuận", "68", "Tỉnh Lâm Đồng"),
        ["062"] = new("62", "Kon Tum", "51", "Tỉnh Quảng Ngãi"),
        ["064"] = new("64", "Gia Lai", "52", "Tỉnh Gia Lai"),
        ["066"] = new("66", "Đắk Lắk", "66", "Tỉnh Đắk Lắk"),
        ["067"] = new("67", "Đắk Nông", "68", "Tỉnh Lâm Đồng"),
        ["068"] = new("68", "Lâm Đồng", "68", "Tỉnh Lâm Đồng"),
        ["070"] = new("70", "Bình Phước", "75", "Thành phố Đồng Nai (Tỉnh Đồng Nai until 2026-04-30)"),
        ["072"] = new("72", "Tây Ninh", "80", "Tỉnh Tây Ninh"),
        ["074"] = new("74", "Bình Dương", "79", "Thành phố Hồ Chí Minh"),
        ["075"] = new("75", "Đồng Nai", "75", "Thành phố Đồng Nai (Tỉnh Đồng Nai until 2026-04-30)"),
        ["077"] = new("77", "Bà Rịa - Vũng Tàu", "79", "Thành phố Hồ Chí Minh"),
        ["079"] = new("79", "Hồ Chí Minh", "79", "Thành phố Hồ Chí Minh"),
        ["080"] = new("80", "Long An", "80", "Tỉnh Tây Ninh"),
        ["082"] = new("82", "Tiền Giang", "82", "Tỉnh Đồng Tháp"),
        ["083"] = new("83", "Bến Tre", "86", "Tỉnh Vĩnh Long"),
        ["084"] = new("84", "Trà Vinh", "86", "Tỉnh Vĩnh Long"),
        ["086"] = new("86", "Vĩnh Long", "86", "Tỉnh Vĩnh Long"),
        ["087"] = new("87", "Đồng Tháp", "82", "Tỉnh Đồng Tháp"),
        ["089"] = new("89", "An Giang", "91", "Tỉnh An Giang"),
        ["091"] = new("91", "Kiên Giang", "91", "Tỉnh An Giang"),
        ["092"] = new("92", "Cần Thơ", "92", "Thành phố Cần Thơ"),
        ["093"] = new("93", "Hậu Giang", "92", "Thành phố Cần Thơ"),
        ["094"] = new("94", "Sóc Trăng", "92", "Thành phố Cần Thơ"),
        ["095"] = new("95", "Bạc Liêu", "96", "Tỉnh Cà Mau"),
        ["096"] = new("96", "Cà Mau", "96", "Tỉnh Cà Mau"),
    };
}
