namespace Dinh.Registry.Quality;

/// <summary>What a data-quality check found ("đúng, đủ, sạch, sống": correct, sufficient, clean, live).</summary>
public enum FindingKind
{
    IdNumberInconsistent = 1,
    MissingRequiredField = 2,
    DuplicateCandidate = 3,
    DeceasedWithActiveResidence = 4,
    TemporaryResidenceExpired = 5,
    AddressOnAbolishedUnit = 6,
}

public enum FindingStatus
{
    Open = 1,
    Merged = 2,
    Dismissed = 3,
    Resolved = 4,
}

/// <summary>
/// One finding of <c>dinh quality check</c>, for an officer to review. A finding is about one row
/// (<see cref="SubjectId"/>: the citizen, the residence or the household; for a duplicate pair, the second citizen),
/// so (kind, citizen, subject) identifies it: a re-run adds nothing that is still open, and nothing a data steward
/// dismissed or merged. Duplicates are only ever candidates: nothing is merged without a steward.
/// </summary>
public sealed class DataQualityFinding
{
    public long Id { get; private set; }
    public FindingKind Kind { get; init; }
    public Guid CitizenId { get; init; }
    public Guid SubjectId { get; init; }

    /// <summary>The other record of a duplicate pair (the one with the greater personal ID number).</summary>
    public Guid? OtherCitizenId { get; init; }

    /// <summary>Commune of the citizen's residence when found (the birth-registration commune for someone without one).</summary>
    public string? UnitCode { get; init; }

    /// <summary>Duplicates only: 0.9 same name, date of birth and birth-registration province; 0.8 same parents and name.</summary>
    public double? Score { get; init; }

    /// <summary>Stable keys, never personal data: "birth-year", "fullName ethnicityCode", "unit 00123" …</summary>
    public required string Detail { get; init; }
    public FindingStatus Status { get; private set; } = FindingStatus.Open;
    public DateTimeOffset FoundAt { get; init; }
    public string? ReviewedBy { get; private set; }
    public DateTimeOffset? ReviewedAt { get; private set; }
    public string? ReviewNote { get; private set; }

    public void Dismiss(string officer, string note, DateTimeOffset now) => Close(FindingStatus.Dismissed, officer, note, now);

    public void Resolve(string officer, string? note, DateTimeOffset now) => Close(FindingStatus.Resolved, officer, note, now);

    public void MarkMerged(string officer, string? note, DateTimeOffset now)
    {
        if (Kind != FindingKind.DuplicateCandidate)
        {
            throw new InvalidOperationException("Only a duplicate candidate can be merged.");
        }
        Close(FindingStatus.Merged, officer, note, now);
    }

    private void Close(FindingStatus status, string officer, string? note, DateTimeOffset now)
    {
        if (Status != FindingStatus.Open)
        {
            throw new InvalidOperationException("The finding has already been reviewed.");
        }
        (Status, ReviewedBy, ReviewedAt, ReviewNote) = (status, officer, now, note);
    }
}

/// <summary>Open findings per commune and kind, as of the last run: what the dashboards read.</summary>
public sealed class QualityCount
{
    /// <summary>Commune code; empty for findings on citizens with no known commune.</summary>
    public required string UnitCode { get; init; }
    public FindingKind Kind { get; init; }
    public int OpenCount { get; init; }
    public DateTimeOffset ComputedAt { get; init; }
}
