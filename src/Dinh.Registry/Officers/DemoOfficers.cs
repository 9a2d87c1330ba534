namespace Dinh.Registry.Officers;

/// <summary>
/// The officers one can sign in as in Development. Unit codes are those of the 2025 structure: Hà Nội (01),
/// Phường Ba Đình (00004), Phường Hoàn Kiếm (00070).
/// </summary>
public static class DemoOfficers
{
    public static readonly IReadOnlyList<Officer> All =
    [
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000001"), Login = "hotich.badinh", DisplayName = "Cán bộ hộ tịch, Phường Ba Đình",
            Role = OfficerRole.CivilStatus, JurisdictionLevel = JurisdictionLevel.Commune, JurisdictionCode = "00004",
        },
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000002"), Login = "congan.hoankiem", DisplayName = "Công an Phường Hoàn Kiếm",
            Role = OfficerRole.ResidencePolice, JurisdictionLevel = JurisdictionLevel.Commune, JurisdictionCode = "00070",
        },
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000003"), Login = "dulieu.hanoi", DisplayName = "Quản trị dữ liệu, Thành phố Hà Nội",
            Role = OfficerRole.DataSteward, JurisdictionLevel = JurisdictionLevel.Province, JurisdictionCode = "01",
        },
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000004"), Login = "dulieu.quocgia", DisplayName = "Quản trị dữ liệu quốc gia",
            Role = OfficerRole.DataSteward, JurisdictionLevel = JurisdictionLevel.National, JurisdictionCode = null,
        },

        // The interconnected birth and death procedures (Decree 63/2024) need the police of the same commune as the
        // civil-status officer, and social insurance.
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000005"), Login = "congan.badinh", DisplayName = "Công an Phường Ba Đình",
            Role = OfficerRole.ResidencePolice, JurisdictionLevel = JurisdictionLevel.Commune, JurisdictionCode = "00004",
        },
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000006"), Login = "bhxh.hanoi", DisplayName = "Bảo hiểm xã hội Thành phố Hà Nội",
            Role = OfficerRole.SocialInsurance, JurisdictionLevel = JurisdictionLevel.Province, JurisdictionCode = "01",
        },
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000007"), Login = "tuphap.hanoi", DisplayName = "Sở Tư pháp Thành phố Hà Nội",
            Role = OfficerRole.JudicialRecords, JurisdictionLevel = JurisdictionLevel.Province, JurisdictionCode = "01",
        },

        // The national identity administration (C06, Ministry of Public Security) decides e-ID lock and unlock
        // requests (Decree 69/2024 Art. 15): police with a national jurisdiction.
        new()
        {
            Id = Guid.Parse("0194a000-0000-7000-8000-000000000008"), Login = "c06.quocgia", DisplayName = "Cục Cảnh sát QLHC về TTXH (C06)",
            Role = OfficerRole.ResidencePolice, JurisdictionLevel = JurisdictionLevel.National, JurisdictionCode = null,
        },
    ];
}
