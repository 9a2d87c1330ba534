namespace Dinh.Registry.Units;

public enum AddressKind
{
    Residence = 1,
    Household = 2,
}

/// <summary>Why an address could not be moved automatically; an officer decides.</summary>
public enum RemapReason
{
    /// <summary>The old commune was split: the mapping names several new communes.</summary>
    SplitAcrossCommunes = 1,

    /// <summary>The mapping names exactly one new code, but no commune of the two-level structure has it.</summary>
    MappingDoesNotResolve = 2,

    /// <summary>No mapping row names the old commune's code.</summary>
    NoMapping = 3,
}

public enum WorkItemStatus
{
    Open = 1,
    Resolved = 2,
    Dismissed = 3,
}

/// <summary>
/// An address on a pre-2025-07-01 commune code that <c>dinh units remap-addresses</c> would not convert on its own.
/// One item per address and old code, however often the verb runs.
/// </summary>
public sealed class AddressRemapWorkItem
{
    public long Id { get; private set; }
    public AddressKind AddressKind { get; init; }
    public Guid AddressId { get; init; }
    public required string OldCode { get; init; }

    /// <summary>The new codes the mapping offers, comma-separated, in code order; empty when there is none.</summary>
    public required string CandidateCodes { get; init; }
    public RemapReason Reason { get; init; }
    public WorkItemStatus Status { get; private set; } = WorkItemStatus.Open;
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>An opaque officer id ("officer:…"), never a name.</summary>
    public string? ResolvedBy { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }

    public IReadOnlyList<string> Candidates => CandidateCodes.Length == 0 ? [] : CandidateCodes.Split(',');
}
