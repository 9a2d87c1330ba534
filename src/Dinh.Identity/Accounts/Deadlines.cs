namespace Dinh.Identity.Accounts;

public enum DeadlineUrgency
{
    None = 0,
    DueSoon = 1,
    Overdue = 2,
}

/// <summary>The flags of the officers' queues whose time limits run in working days (Decree 69/2024 Art. 13 and 15).</summary>
public static class Deadlines
{
    /// <summary>Overdue after its due date; due soon on its due date and the working day before.</summary>
    public static DeadlineUrgency Urgency(bool open, DateOnly dueOn, DateOnly today, DateOnly nextWorkingDay) =>
        !open ? DeadlineUrgency.None
        : dueOn < today ? DeadlineUrgency.Overdue
        : dueOn <= nextWorkingDay ? DeadlineUrgency.DueSoon
        : DeadlineUrgency.None;
}
