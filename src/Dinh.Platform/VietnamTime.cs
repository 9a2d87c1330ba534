namespace Dinh.Platform;

/// <summary>
/// Vietnam's civil time, UTC+7 all year (no daylight saving). Every calendar day the law counts is a day in Vietnam:
/// "today" for a date of birth or of death, an age, a card's expiry, a deadline in working days, the day a lock
/// ends. Instants are stored in UTC; the UTC date is the day before in Vietnam from 17:00 UTC, so a day taken from
/// it refuses an event registered "today" before 07:00 in Hà Nội as in the future. Take days from here only.
/// </summary>
public static class VietnamTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    /// <summary>The calendar day in Vietnam of an instant.</summary>
    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>Today in Vietnam, by this clock.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DayOf(clock.GetUtcNow());
    }

    /// <summary>The instant as a clock in Vietnam shows it, for pages and documents (never the server's own time zone).</summary>
    public static DateTimeOffset InVietnam(this DateTimeOffset instant) => instant.ToOffset(Offset);
}
