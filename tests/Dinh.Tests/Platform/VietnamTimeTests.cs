using Dinh.Platform;

namespace Dinh.Tests.Platform;

/// <summary>The day the law counts is Vietnam's (UTC+7): from 17:00 UTC it is already tomorrow there.</summary>
public sealed class VietnamTimeTests
{
    [Theory]
    [InlineData("2026-11-24T16:59:59Z", "2026-11-24")]
    [InlineData("2026-11-24T17:00:00Z", "2026-11-25")]
    [InlineData("2026-12-31T23:30:00Z", "2027-01-01")]
    [InlineData("2026-11-25T00:30:00+07:00", "2026-11-25")]
    [InlineData("2026-11-24T23:59:00-05:00", "2026-11-25")]
    public void An_instant_falls_on_the_calendar_day_of_Vietnam(string instant, string day)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), VietnamTime.DayOf(at));
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), VietnamTime.Today(new FixedClock(at)));
        Assert.Equal(TimeSpan.FromHours(7), at.InVietnam().Offset);
        Assert.Equal(at, at.InVietnam());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
