namespace Dinh.Platform.Auditing;

/// <summary>
/// One append-only entry of the audit trail. Rows are hash-chained per chain: <see cref="Hash"/> covers every
/// field and <see cref="PreviousHash"/>, so an edited, inserted or deleted row breaks the chain that
/// <c>dinh audit verify</c> walks.
/// </summary>
public sealed class AuditRecord
{
    public Guid Id { get; init; }
    public int ChainId { get; internal set; }
    public long Sequence { get; internal set; }
    public DateTimeOffset OccurredAt { get; internal set; }

    /// <summary>Who acted: an opaque account or system id ("officer:…", "system:cli"), never a name.</summary>
    public required string Actor { get; init; }

    /// <summary>What was done, as a stable dotted verb: "registry.citizen.corrected".</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to, as an opaque reference: "citizen:0197…".</summary>
    public string? Subject { get; init; }

    /// <summary>Why: the purpose of the processing (Law 91/2025 on personal data protection).</summary>
    public required string Purpose { get; init; }

    /// <summary>Under which legal basis: a procedure, a dossier, a decree article.</summary>
    public string? LegalBasis { get; init; }

    public string? RequestId { get; init; }

    /// <summary>Optional JSON with the change itself (before / after), written by the module that owns the data.</summary>
    public string? Details { get; init; }

    public byte[] PreviousHash { get; internal set; } = [];
    public byte[] Hash { get; internal set; } = [];
}

/// <summary>The tip of one chain: the last sequence and hash. Locking this row is what orders a chain's appends.</summary>
public sealed class AuditChainHead
{
    public int ChainId { get; init; }
    public long LastSequence { get; set; }
    public byte[] LastHash { get; set; } = [];
}

/// <summary>What a module records; the trail stamps the time, chain, sequence and hashes when the change is saved.</summary>
public sealed record AuditEvent(string Actor, string Action, string Purpose)
{
    public string? Subject { get; init; }
    public string? LegalBasis { get; init; }
    public string? RequestId { get; init; }
    public string? Details { get; init; }
}
