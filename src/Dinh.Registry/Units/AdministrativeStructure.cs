namespace Dinh.Registry.Units;

/// <summary>
/// Which code list a stored address code belongs to. New commune codes reuse old ones (00004 is a ward in both),
/// so a code alone cannot say whether it still needs converting.
/// </summary>
public enum AdministrativeStructure
{
    /// <summary>Provinces and communes, from 2025-07-01 (Resolution 202/2025/QH15). The default: what is registered today.</summary>
    TwoLevel = 0,

    /// <summary>Provinces, districts and communes, valid until 2025-06-30: codes <c>dinh units remap-addresses</c> converts.</summary>
    ThreeLevel = 1,
}

/// <summary>The dates the reference data is keyed by.</summary>
public static class StructureDates
{
    /// <summary>
    /// The three-level data is the statistics office's list as of 2025-03-01 (the data cut-off of the source); it
    /// is recorded as valid from then, not from each unit's creation, which the source does not give.
    /// </summary>
    public static readonly DateOnly ThreeLevelFrom = new(2025, 3, 1);
    public static readonly DateOnly ThreeLevelUntil = new(2025, 6, 30);
    public static readonly DateOnly TwoLevelFrom = new(2025, 7, 1);

    /// <summary>Resolution 30/2026/QH16: Đồng Nai becomes a centrally-run city; Resolution 237/NQ-UBTVQH16: ten of its communes become wards.</summary>
    public static readonly DateOnly DongNaiCityFrom = new(2026, 4, 30);
}
