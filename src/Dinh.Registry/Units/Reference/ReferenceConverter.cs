using System.Text.Json;
using Dinh.Registry.Contracts;

namespace Dinh.Registry.Units.Reference;

/// <summary>
/// Converts the published datasets (shared/data/admin-units) into the reference files this assembly embeds. The
/// sources are never trusted byte for byte (DOMAIN.md §9, §12): every string is cleaned to NFC with U+2019 folded
/// to an apostrophe, the type word is split off the name, and the counts are checked before anything is written.
/// </summary>
internal static class ReferenceConverter
{
    public const string ThreeLevelFile = "units-2025-03-01.json";
    public const string TwoLevelFile = "units-current.json";
    public const string MappingsFile = "ward-mappings-2025.json";

    // Longest first: "Thành phố" and "Thị xã" before the one-word types.
    private static readonly string[] UnitTypes = ["Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Quận", "Huyện", "Phường", "Xã"];

    /// <summary>Resolution 237/NQ-UBTVQH16: these communes of Đồng Nai became wards on 2026-04-30, keeping their codes.</summary>
    internal static readonly string[] DongNaiWardsSince2026 =
        ["25270", "25357", "25363", "26116", "26170", "26248", "26326", "26368", "26425", "26485"];

    internal const string DongNaiCode = "75";

    public sealed record Result(int Provinces, int Districts, int Communes, int CurrentProvinces, int CurrentCommunes, int Mappings);

    public static Result Convert(string sourceDirectory, string targetDirectory)
    {
        var threeLevel = ReadThreeLevel(Path.Combine(sourceDirectory, ThreeLevelFile));
        var twoLevel = ReadTwoLevel(Path.Combine(sourceDirectory, TwoLevelFile));
        var mappings = ReadMappings(Path.Combine(sourceDirectory, MappingsFile));

        var result = new Result(
            threeLevel.Count(u => u.Level == UnitLevel.Province),
            threeLevel.Count(u => u.Level == UnitLevel.District),
            threeLevel.Count(u => u.Level == UnitLevel.Commune),
            twoLevel.Where(u => u.Level == UnitLevel.Province).Select(u => u.Code).Distinct().Count(),
            twoLevel.Where(u => u.Level == UnitLevel.Commune).Select(u => u.Code).Distinct().Count(),
            mappings.Count);
        // The published totals (Resolution 202/2025/QH15, Government Resolution 125): a source that drifts from
        // them is refused rather than shipped.
        if (result is not { Provinces: 63, Districts: 696, Communes: 10_035, CurrentProvinces: 34, CurrentCommunes: 3_321 })
        {
            throw new InvalidDataException($"Unexpected unit counts in {sourceDirectory}: {result}.");
        }

        Directory.CreateDirectory(targetDirectory);
        UnitReference.WriteUnits(Path.Combine(targetDirectory, UnitReference.UnitsFile), [.. threeLevel, .. twoLevel]);
        UnitReference.WriteMappings(Path.Combine(targetDirectory, UnitReference.MappingsFile), mappings);
        return result;
    }

    private static List<UnitRecord> ReadThreeLevel(string path)
    {
        var units = new List<UnitRecord>();
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var province in json.RootElement.EnumerateArray())
        {
            var provinceCode = Text(province, "Code");
            units.Add(Unit(UnitLevel.Province, provinceCode, null, Text(province, "FullName"), null,
                StructureDates.ThreeLevelFrom, StructureDates.ThreeLevelUntil));
            foreach (var district in Array(province, "District"))
            {
                var districtCode = Text(district, "Code");
                units.Add(Unit(UnitLevel.District, districtCode, provinceCode, Text(district, "FullName"), null,
                    StructureDates.ThreeLevelFrom, StructureDates.ThreeLevelUntil));
                // Island districts (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have no communes: "Ward" is null.
                foreach (var commune in Array(district, "Ward"))
                {
                    units.Add(Unit(UnitLevel.Commune, Text(commune, "Code"), districtCode, Text(commune, "FullName"), null,
                        StructureDates.ThreeLevelFrom, StructureDates.ThreeLevelUntil));
                }
            }
        }
        return units;
    }

    /// <summary>
    /// The source holds the state after 2026-04-30. Đồng Nai and its ten new wards get two records each: the
    /// 2025-07-01 state (Tỉnh, Xã) derived here, and the 2026 state as published.
    /// </summary>
    private static List<UnitRecord> ReadTwoLevel(string path)
    {
        var units = new List<UnitRecord>();
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var province in json.RootElement.EnumerateArray())
        {
            var provinceCode = Text(province, "Code");
            var type = Text(province, "AdministrativeUnitShortName");
            var name = Text(province, "FullName");
            if (provinceCode == DongNaiCode)
            {
                units.AddRange(Renamed(UnitLevel.Province, provinceCode, null, name, type, "Thành phố", "Tỉnh"));
            }
            else
            {
                units.Add(Unit(UnitLevel.Province, provinceCode, null, name, type, StructureDates.TwoLevelFrom, null));
            }
            foreach (var commune in Array(province, "Wards"))
            {
                var code = Text(commune, "Code");
                var communeType = Text(commune, "AdministrativeUnitShortName");
                var communeName = Text(commune, "FullName");
                if (provinceCode == DongNaiCode && DongNaiWardsSince2026.Contains(code))
                {
                    units.AddRange(Renamed(UnitLevel.Commune, code, provinceCode, communeName, communeType, "Phường", "Xã"));
                }
                else
                {
                    units.Add(Unit(UnitLevel.Commune, code, provinceCode, communeName, communeType, StructureDates.TwoLevelFrom, null));
                }
            }
        }
        var wards = units.Count(u => u.ParentCode == DongNaiCode && u.ValidFrom == StructureDates.DongNaiCityFrom);
        if (wards != DongNaiWardsSince2026.Length)
        {
            throw new InvalidDataException($"Expected the {DongNaiWardsSince2026.Length} Đồng Nai wards of 2026 in {path}, found {wards}.");
        }
        return units;
    }

    private static IEnumerable<UnitRecord> Renamed(
        UnitLevel level, string code, string? parent, string name, string type, string typeSince2026, string typeBefore)
    {
        var published = Unit(level, code, parent, name, type, StructureDates.DongNaiCityFrom, null);
        if (published.Type != typeSince2026)
        {
            throw new InvalidDataException($"Unit {code} is '{published.Name}'; the source should hold the 2026 state ({typeSince2026}).");
        }
        var proper = published.Name[typeSince2026.Length..];
        yield return published with
        {
            Type = typeBefore,
            Name = typeBefore + proper,
            ValidFrom = StructureDates.TwoLevelFrom,
            ValidTo = StructureDates.DongNaiCityFrom.AddDays(-1),
        };
        yield return published;
    }

    /// <summary>
    /// Cleans the name and splits its type word. A lower-case type word ("xã Bắc Sơn" in the 2026 source) is
    /// capitalised: it is the type, not part of the name; the rest is kept as published (new-style tone marks too).
    /// </summary>
    private static UnitRecord Unit(UnitLevel level, string code, string? parent, string fullName, string? declaredType,
        DateOnly from, DateOnly? to)
    {
        var name = VietnameseText.Clean(fullName);
        var type = UnitTypes.FirstOrDefault(t => name.StartsWith(t + " ", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidDataException($"Unit {code} '{name}' does not start with a known type word.");
        if (declaredType is not null && !string.Equals(VietnameseText.Clean(declaredType), type, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Unit {code} '{name}' is declared as '{declaredType}'.");
        }
        return new UnitRecord(level, code, parent, type, type + name[type.Length..], from, to);
    }

    private static List<MappingRecord> ReadMappings(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        return json.RootElement.EnumerateArray().Select(row => new MappingRecord(
            OptionalText(row, "old_ward_code"),
            OptionalText(row, "old_ward_name"),
            OptionalText(row, "old_district_name"),
            OptionalText(row, "old_province_name"),
            Text(row, "new_ward_code"),
            Text(row, "new_ward_name"),
            Text(row, "new_province_name"))).ToList();
    }

    private static JsonElement[] Array(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];

    private static string Text(JsonElement element, string property) =>
        OptionalText(element, property) ?? throw new InvalidDataException($"Missing '{property}' in {element}.");

    private static string? OptionalText(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? VietnameseText.Clean(text)
            : null;
}
