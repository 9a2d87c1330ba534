namespace Dinh.Identity.Contracts;

/// <summary>
/// The working-day calendar that the identity module's time limits run on (Decree 69/2024 Art. 13 and 15). The
/// calendar and its holidays belong to the portal (Services); Services implements this contract, since Identity may
/// not reference Services (docs/architecture.md), and a second holiday table would drift from the first.
/// </summary>
public interface IWorkingDayCalendar
{
    /// <summary>The due date of a time limit of <paramref name="workingDays"/> working days counted from a day (a
    /// request received on a holiday counts from the next working day).</summary>
    Task<DateOnly> DueAsync(DateOnly receivedOn, int workingDays, CancellationToken cancellationToken);
}
