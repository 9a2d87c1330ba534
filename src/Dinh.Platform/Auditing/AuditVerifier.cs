using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Platform.Auditing;

public enum AuditFindingKind
{
    /// <summary>A row's fields no longer match its own hash: it was edited.</summary>
    Edited,
    /// <summary>A row does not link to the row before it: a row was edited and re-hashed, inserted or deleted.</summary>
    BrokenLink,
    /// <summary>Sequence numbers jump: rows were deleted.</summary>
    Missing,
    /// <summary>The chain ends before or after its recorded head: rows at the end were deleted or appended.</summary>
    HeadMismatch,
    /// <summary>A row belongs to no known chain.</summary>
    UnknownChain,
}

public sealed record AuditFinding(AuditFindingKind Kind, int ChainId, long? Sequence, Guid? RecordId, string Message);

public sealed record AuditVerification(long RecordsChecked, int ChainsChecked, IReadOnlyList<AuditFinding> Findings,
    IReadOnlyList<AuditChainHead> Heads)
{
    public bool Intact => Findings.Count == 0;
}

/// <summary>Walks every chain in order, recomputing each hash; reads the table once, streaming.</summary>
public sealed class AuditVerifier(PlatformDbContext db)
{
    public async Task<AuditVerification> VerifyAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var heads = await db.AuditChainHeads.AsNoTracking().OrderBy(h => h.ChainId).ToListAsync(cancellationToken);
        var headsById = heads.ToDictionary(h => h.ChainId);
        var findings = new List<AuditFinding>();
        var seen = new HashSet<int>();
        long checkedRows = 0;

        int? chain = null;
        long expected = 1;
        byte[] previous = [];
        Guid? previousId = null;

        var rows = db.AuditRecords.AsNoTracking().OrderBy(r => r.ChainId).ThenBy(r => r.Sequence).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.ChainId != chain)
            {
                if (chain is { } done)
                {
                    CheckHead(done, expected - 1, previous, previousId, headsById, findings);
                }
                chain = row.ChainId;
                seen.Add(row.ChainId);
                expected = 1;
                previous = AuditTrail.GenesisHash(row.ChainId);
                previousId = null;
                if (!headsById.ContainsKey(row.ChainId))
                {
                    findings.Add(new(AuditFindingKind.UnknownChain, row.ChainId, row.Sequence, row.Id,
                        $"row {row.Id} is in chain {row.ChainId}, which has no head: it was inserted"));
                }
            }

            if (row.Sequence != expected)
            {
                findings.Add(new(AuditFindingKind.Missing, row.ChainId, row.Sequence, row.Id, row.Sequence > expected
                    ? $"chain {row.ChainId}: sequence {expected}..{row.Sequence - 1} missing before row {row.Id}: rows were deleted"
                    : $"chain {row.ChainId}: row {row.Id} has sequence {row.Sequence}, expected {expected}: it was edited"));
            }
            if (!row.PreviousHash.AsSpan().SequenceEqual(previous))
            {
                findings.Add(new(AuditFindingKind.BrokenLink, row.ChainId, row.Sequence, row.Id,
                    $"chain {row.ChainId} seq {row.Sequence}: row {row.Id} does not link to the row before it" +
                    (previousId is { } p ? $" ({p})" : " (chain start)") +
                    ": that row was edited and re-hashed, or rows were inserted or deleted between them"));
            }
            if (!AuditTrail.ComputeHash(row).AsSpan().SequenceEqual(row.Hash))
            {
                findings.Add(new(AuditFindingKind.Edited, row.ChainId, row.Sequence, row.Id,
                    $"chain {row.ChainId} seq {row.Sequence}: row {row.Id} does not match its hash: it was edited"));
            }

            // Continue from what is stored, so one tampered row yields findings about it, not about every row after.
            expected = row.Sequence + 1;
            previous = row.Hash;
            previousId = row.Id;
            checkedRows++;
            if (checkedRows % 10_000 == 0)
            {
                progress?.Report(checkedRows);
            }
        }
        if (chain is { } last)
        {
            CheckHead(last, expected - 1, previous, previousId, headsById, findings);
        }
        foreach (var head in heads.Where(h => !seen.Contains(h.ChainId) && h.LastSequence != 0))
        {
            findings.Add(new(AuditFindingKind.HeadMismatch, head.ChainId, null, null,
                $"chain {head.ChainId}: head says {head.LastSequence} rows but none remain: they were deleted"));
        }
        progress?.Report(checkedRows);
        return new AuditVerification(checkedRows, heads.Count, findings, heads);
    }

    private static void CheckHead(int chain, long lastSequence, byte[] lastHash, Guid? lastId,
        Dictionary<int, AuditChainHead> heads, List<AuditFinding> findings)
    {
        if (!heads.TryGetValue(chain, out var head))
        {
            return;
        }
        if (head.LastSequence != lastSequence || !head.LastHash.AsSpan().SequenceEqual(lastHash))
        {
            findings.Add(new(AuditFindingKind.HeadMismatch, chain, lastSequence, lastId, head.LastSequence > lastSequence
                ? $"chain {chain}: ends at seq {lastSequence} (row {lastId}) but its head says {head.LastSequence}: the last rows were deleted"
                : $"chain {chain}: ends at seq {lastSequence} (row {lastId}) but its head says {head.LastSequence}: rows were appended outside Dinh or the last row was edited"));
        }
    }
}
