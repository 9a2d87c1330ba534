using Dinh.Identity.Contracts;

namespace Dinh.Services.Calendar;

/// <summary>The portal's working-day calendar offered to the identity module's time limits (same holidays, same arithmetic).</summary>
internal sealed class IdentityWorkingDays(WorkingCalendar calendar) : IWorkingDayCalendar
{
    public async Task<DateOnly> DueAsync(DateOnly receivedOn, int workingDays, CancellationToken cancellationToken) =>
        (await calendar.LoadAsync(cancellationToken)).Due(receivedOn, workingDays);
}
