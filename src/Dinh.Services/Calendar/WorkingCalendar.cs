using System.Reflection;
using System.Text.Json;
using Dinh.Platform;
using Dinh.Platform.Persistence;
using Dinh.Services.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Services.Calendar;

/// <summary>A public holiday (or a compensatory day off) on which no working-day deadline runs.</summary>
internal sealed class Holiday
{
    public DateOnly Date { get; init; }
    public required string NameVi { get; set; }
    public required string NameEn { get; set; }
}

/// <summary>
/// Working days for every deadline: Monday to Friday except the holidays in the table. Deadlines are counted in
/// Vietnam's time (<see cref="VietnamTime"/>), so a dossier filed at 23:30 on a Monday in Hà Nội counts from Monday.
/// </summary>
internal sealed class WorkingCalendar(ServicesDbContext db, TimeProvider clock)
{
    public DateOnly Today => VietnamTime.Today(clock);

    public async Task<WorkingDays> LoadAsync(CancellationToken cancellationToken)
    {
        var from = Today.AddYears(-1);
        var holidays = await db.Holidays.AsNoTracking().Where(h => h.Date >= from).Select(h => h.Date).ToListAsync(cancellationToken);
        return new WorkingDays(holidays.ToHashSet());
    }
}

/// <summary>The arithmetic, on a loaded holiday set.</summary>
internal sealed class WorkingDays(IReadOnlySet<DateOnly> holidays)
{
    public bool IsWorkingDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(day);

    /// <summary>The day itself if it is a working day, else the next working day.</summary>
    public DateOnly FirstOnOrAfter(DateOnly day)
    {
        while (!IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }
        return day;
    }

    /// <summary>
    /// The due date of a time limit of <paramref name="workingDays"/> counted from a filing day: 0 means the same working
    /// day (a filing on a holiday counts from the next working day), n means the n-th working day after that.
    /// </summary>
    public DateOnly Due(DateOnly filedOn, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = FirstOnOrAfter(filedOn);
        for (var i = 0; i < workingDays; i++)
        {
            day = FirstOnOrAfter(day.AddDays(1));
        }
        return day;
    }

    /// <summary>Working days after <paramref name="from"/> up to and including <paramref name="to"/> (0 if none).</summary>
    public int Between(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }
        return count;
    }
}

/// <summary>Loads the shipped holiday tables (Calendar/holidays.json) into an empty year; never overwrites an administrator's rows.</summary>
internal sealed class HolidaySeeder : IDatabaseSeeder
{
    private sealed record Row(string Date, string Vi, string En);

    private sealed record File(IReadOnlyList<Row> Holidays);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ServicesDbContext>();
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Dinh.Services.Calendar.holidays.json")
            ?? throw new InvalidOperationException("holidays.json is not embedded");
        var file = await JsonSerializer.DeserializeAsync<File>(stream, Web, cancellationToken)
            ?? throw new InvalidOperationException("holidays.json is empty");
        var years = await db.Holidays.Select(h => h.Date.Year).Distinct().ToListAsync(cancellationToken);
        var rows = file.Holidays.Select(r => new Holiday { Date = DateOnly.Parse(r.Date, System.Globalization.CultureInfo.InvariantCulture), NameVi = r.Vi, NameEn = r.En })
            .Where(h => !years.Contains(h.Date.Year)).ToList();
        if (rows.Count == 0)
        {
            return;
        }
        db.Holidays.AddRange(rows);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance seeded the same year at the same time: its rows are the same.
        }
    }
}
