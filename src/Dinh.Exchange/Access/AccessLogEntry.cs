namespace Dinh.Exchange.Access;

/// <summary>
/// One use of a citizen's data by a member, indexed by citizen for the "who used my data" page. Written in the same
/// transaction as the audit record that proves it (the audit trail is the evidence, this the citizen's index).
/// </summary>
public sealed class AccessLogEntry
{
    public Guid Id { get; init; }
    public Guid CitizenId { get; init; }
    public Guid MemberId { get; init; }
    public required string MemberIdentifier { get; init; }
    public required string MemberName { get; init; }

    /// <summary>lookup, verification, event or refused.</summary>
    public required string Kind { get; init; }
    public required string Purpose { get; init; }
    public string? CaseReference { get; init; }

    /// <summary>Space-separated names of the fields released (or compared, for a verification).</summary>
    public required string Fields { get; init; }
    public DateTimeOffset At { get; init; }
}
