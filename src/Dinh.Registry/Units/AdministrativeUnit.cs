namespace Dinh.Registry.Units;

public enum UnitLevel
{
    Province = 1,
    District = 2,
    Commune = 3,
}

/// <summary>
/// An administrative unit as it stood over a period. Codes outlive names and types (Đồng Nai became a city on
/// 2026-04-30 under the same code 75) and are reused across structures (new commune codes reuse old ones), so a
/// unit is identified by its code and a date, never by its name.
/// </summary>
public sealed class AdministrativeUnit
{
    public long Id { get; private set; }
    public required string Code { get; init; }
    public UnitLevel Level { get; init; }

    /// <summary>The published full name, NFC, spelled as the source spells it ("Phường Ba Đình").</summary>
    public required string Name { get; init; }

    /// <summary>The unit type word ("Tỉnh", "Thành phố", "Quận", "Huyện", "Xã", "Phường", "Thị trấn", "Đặc khu" …).</summary>
    public required string Type { get; init; }

    public string? ParentCode { get; init; }
    public DateOnly ValidFrom { get; init; }

    /// <summary>The last day the unit was valid, inclusive; null while it still is.</summary>
    public DateOnly? ValidTo { get; init; }

    /// <summary>ASCII key of the name (no accents, Đ → D): search ignores diacritics and tone placement.</summary>
    public required string SearchKey { get; init; }

    public bool IsValidOn(DateOnly date) => ValidFrom <= date && (ValidTo is null || date <= ValidTo);
}

internal static class AdministrativeUnitQueries
{
    /// <summary>The units as they stood on a day (<see cref="AdministrativeUnit.IsValidOn"/>, in SQL).</summary>
    public static IQueryable<AdministrativeUnit> ValidOn(this IQueryable<AdministrativeUnit> units, DateOnly date) =>
        units.Where(u => u.ValidFrom <= date && (u.ValidTo == null || u.ValidTo >= date));
}

/// <summary>
/// One row of the 2025 old → new commune conversion. The relation is many-to-many: an old commune split across
/// several new ones has several rows, and some rows name codes that do not resolve. Kept as published, NFC. The
/// five island districts that had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have rows with no
/// old name at all: they became special zones (đặc khu).
/// </summary>
public sealed class UnitMapping
{
    public long Id { get; private set; }
    public string? OldCode { get; init; }
    public string? OldName { get; init; }
    public string? OldDistrictName { get; init; }
    public string? OldProvinceName { get; init; }
    public required string NewCode { get; init; }
    public required string NewName { get; init; }
    public required string NewProvinceName { get; init; }
}
