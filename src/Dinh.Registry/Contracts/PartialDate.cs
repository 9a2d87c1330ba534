using System.Globalization;

namespace Dinh.Registry.Contracts;

/// <summary>
/// A date of birth as real records hold it: a year always, a month and a day when known ("--/--/1948", "--/03/1952").
/// </summary>
public readonly record struct PartialDate(int Year, int? Month = null, int? Day = null) : IComparable<PartialDate>
{
    public bool IsComplete => Month is not null && Day is not null;

    public DateOnly? AsDate => IsComplete ? new DateOnly(Year, Month!.Value, Day!.Value) : null;

    /// <summary>The earliest day this date can stand for: used for ages and ordering.</summary>
    public DateOnly Earliest => new(Year, Month ?? 1, Day ?? 1);

    public static PartialDate From(DateOnly date) => new(date.Year, date.Month, date.Day);

    /// <summary>Accepts yyyy, yyyy-MM or yyyy-MM-dd; null and a reason when the text is not a real date.</summary>
    public static PartialDate? Parse(string? text, out string? problem)
    {
        problem = null;
        var parts = (text ?? "").Trim().Split('-');
        if (parts is not ([_] or [_, _] or [_, _, _]) || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit))
            || parts[0].Length != 4 || parts.Skip(1).Any(p => p.Length != 2))
        {
            problem = "format";
            return null;
        }
        var year = int.Parse(parts[0], CultureInfo.InvariantCulture);
        int? month = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : null;
        int? day = parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : null;
        if (year < 1900 || month is < 1 or > 12 || (day is not null && (day < 1 || day > DateTime.DaysInMonth(year, month!.Value))))
        {
            problem = "impossible";
            return null;
        }
        return new PartialDate(year, month, day);
    }

    public int CompareTo(PartialDate other) => Earliest.CompareTo(other.Earliest);

    public override string ToString() => (Month, Day) switch
    {
        (null, _) => Year.ToString("0000", CultureInfo.InvariantCulture),
        (_, null) => FormattableString.Invariant($"{Year:0000}-{Month:00}"),
        _ => FormattableString.Invariant($"{Year:0000}-{Month:00}-{Day:00}"),
    };

    public static bool operator <(PartialDate left, PartialDate right) => left.CompareTo(right) < 0;
    public static bool operator >(PartialDate left, PartialDate right) => left.CompareTo(right) > 0;
    public static bool operator <=(PartialDate left, PartialDate right) => left.CompareTo(right) <= 0;
    public static bool operator >=(PartialDate left, PartialDate right) => left.CompareTo(right) >= 0;
}
