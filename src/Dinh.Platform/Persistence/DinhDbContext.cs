using System.Data.Common;
using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Platform.Persistence;

/// <summary>
/// Base of every module's context. EF Core is the unit of work; what this adds is that audit records added with
/// <see cref="Audit"/> are chained and written in the same transaction as the change they record, and that messages
/// queued with <see cref="Send"/> are written with the change that caused them (a transactional outbox).
/// </summary>
/// <remarks>
/// Contexts are pooled (EF Core context pooling: opening one per request was a tenth of a lookup's CPU), so a context
/// takes only its options; the <see cref="Auditing.AuditTrail"/> travels in them (<see cref="AuditTrailOptions.UseAuditTrail"/>).
/// </remarks>
public abstract class DinhDbContext(DbContextOptions options) : DbContext(options)
{
    // One chain per context instance: appends from one unit of work stay in order and lock one head only.
    private int? _chain;

    // Contexts that share one transaction (the portal's approval writes through the registry's context on its own
    // connection and transaction) append to one chain: the first to seal picks it, the others join it. A transaction
    // then holds at most one chain head, so two such transactions can never wait on each other's heads in opposite
    // order (a deadlock PostgreSQL would break by aborting one of them).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbTransaction, System.Runtime.CompilerServices.StrongBox<int>>
        TransactionChains = new();

    protected AuditTrail AuditTrail { get; } = options.FindExtension<AuditTrailOptions>()?.Trail
        ?? throw new InvalidOperationException("The context's options carry no audit trail: build them with UseAuditTrail (AddDinhDbContext does).");

    public void Audit(AuditEvent audit) => Set<AuditRecord>().Add(NewRecord(audit));

    private AuditRecord NewRecord(AuditEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return new AuditRecord
        {
            Id = Guid.CreateVersion7(AuditTrail.Clock.GetUtcNow()),
            Actor = audit.Actor,
            Action = audit.Action,
            Subject = audit.Subject,
            Purpose = audit.Purpose,
            LegalBasis = audit.LegalBasis,
            RequestId = audit.RequestId,
            Details = audit.Details,
        };
    }

    /// <summary>
    /// Commits <paramref name="audits"/>, chained, in one transaction with whatever else this context tracks (the
    /// rows that go with them, such as access-log entries): the group commit of reads (<see cref="ReadAudit{TContext}"/>).
    /// The records are not tracked: one INSERT writes them all and the chain head's update goes in the same command,
    /// built with the model's own column names and parameter mappings, so the rows are those EF Core would write.
    /// </summary>
    internal async Task AppendReadsAsync(IReadOnlyList<AuditEvent> audits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audits);
        if (audits.Count == 0)
        {
            throw new ArgumentException("Nothing to append.", nameof(audits));
        }
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        if (ChangeTracker.HasChanges())
        {
            await SaveChangesAsync(cancellationToken);
        }
        var records = audits.Select(NewRecord).ToList();
        var head = await SealAsync(records, cancellationToken);
        await using (var command = Database.GetDbConnection().CreateCommand())
        {
            command.Transaction = transaction.GetDbTransaction();
            AuditInsert.Prepare(this, command, records, head);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Queues an SMS or e-mail. Nothing is sent now: the message is saved by the caller's SaveChangesAsync, in the
    /// same transaction as the change, and a dispatcher sends it once that commits. A rollback means it never leaves.
    /// </summary>
    /// <exception cref="ArgumentException">The recipient does not fit the channel, or the body or kind is missing.</exception>
    public void Send(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Set<OutboxMessage>().Add(OutboxMessage.Create(message, AuditTrail.Clock.GetUtcNow()));
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (PendingAudit().Count > 0)
        {
            throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.");
        }
        var sending = HasQueuedMessages();
        var written = base.SaveChanges(acceptAllChangesOnSuccess);
        WakeDispatcher(sending);
        return written;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var sending = HasQueuedMessages();
        var written = await SaveAuditedAsync(acceptAllChangesOnSuccess, cancellationToken);
        WakeDispatcher(sending);
        return written;
    }

    private bool HasQueuedMessages() => ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);

    // The dispatcher of this instance looks at once instead of at its next poll. Inside a transaction the caller has
    // not committed yet, the dispatcher finds nothing, and the next poll takes the message.
    private void WakeDispatcher(bool sending)
    {
        if (sending)
        {
            this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?
                .GetService<OutboxSignal>()?.Notify();
        }
    }

    private async Task<int> SaveAuditedAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        var pending = PendingAudit();
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // The chain head is locked last, after the change itself is written: the lock is then held only for the
        // audit insert and the commit, and a transaction never waits for a head while holding rows another
        // appender of that chain needs (no lock-order deadlock).
        foreach (var record in pending)
        {
            Entry(record).State = EntityState.Detached;
        }
        var changes = ChangeTracker.Entries()
            .Where(e => e.Entity is not AuditRecord && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => (Entry: e, e.State, Original: e.OriginalValues.Clone(),
                Modified: e.Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList()))
            .ToList();
        var owned = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        var savepoints = Database.AutoSavepointsEnabled;
        var audited = false;
        try
        {
            // A transaction of our own needs no savepoint: two round trips fewer.
            Database.AutoSavepointsEnabled = owned is null && savepoints;
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            // The change is written: accept it, or the second save below would write it again (a duplicate insert,
            // or an update whose concurrency check no longer matches). Its states are put back if the commit fails.
            ChangeTracker.AcceptAllChanges();

            var head = await SealAsync(pending, cancellationToken);
            Set<AuditRecord>().AddRange(pending);
            var headEntry = TrackHead(head);
            written += await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            headEntry.State = EntityState.Detached;
            audited = true;

            if (owned is not null)
            {
                await owned.CommitAsync(cancellationToken);
            }
            if (acceptAllChangesOnSuccess)
            {
                ChangeTracker.AcceptAllChanges();
            }
            return written - 1;
        }
        finally
        {
            Database.AutoSavepointsEnabled = savepoints;
            if (owned is not null)
            {
                await owned.DisposeAsync();
            }
            if (!audited)
            {
                foreach (var (entry, state, original, modified) in changes)
                {
                    entry.State = state;
                    if (state == EntityState.Modified)
                    {
                        entry.OriginalValues.SetValues(original);
                        foreach (var property in modified)
                        {
                            entry.Property(property).IsModified = true;
                        }
                    }
                }
                // Nothing was committed: the records go back to the unit of work, to be sealed again on a retry.
                foreach (var record in pending.Where(r => Entry(r).State == EntityState.Detached))
                {
                    Set<AuditRecord>().Add(record);
                }
            }
        }
    }

    // The head's new values go out in the same batch as the audit rows (one round trip).
    private Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<AuditChainHead> TrackHead(AuditChainHead head)
    {
        var tracked = ChangeTracker.Entries<AuditChainHead>().FirstOrDefault(e => e.Entity.ChainId == head.ChainId);
        if (tracked is not null)
        {
            tracked.State = EntityState.Detached;
        }
        var entry = Entry(head);
        entry.State = EntityState.Modified;
        return entry;
    }

    // Every added record is (re)sealed: if an earlier save failed, its transaction and sequence numbers rolled back.
    private List<AuditRecord> PendingAudit() =>
        ChangeTracker.Entries<AuditRecord>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();

    private async Task<AuditChainHead> SealAsync(List<AuditRecord> pending, CancellationToken cancellationToken)
    {
        var connection = Database.GetDbConnection();
        var transaction = Database.CurrentTransaction!.GetDbTransaction();
        var chain = TransactionChains.GetValue(transaction,
            _ => new System.Runtime.CompilerServices.StrongBox<int>(_chain ??= Random.Shared.Next(AuditTrail.Chains))).Value;

        var (sequence, previous) = await LockHeadAsync(connection, transaction, chain, cancellationToken);
        foreach (var record in pending)
        {
            record.ChainId = chain;
            record.Sequence = ++sequence;
            record.OccurredAt = AuditTrail.Now();
            record.PreviousHash = previous;
            record.Hash = AuditTrail.ComputeHash(record);
            previous = record.Hash;
        }
        return new AuditChainHead { ChainId = chain, LastSequence = sequence, LastHash = previous };
    }

    /// <summary>
    /// Reads a chain's head and holds it until commit. On PostgreSQL the row lock orders this chain only; on
    /// SQLite the immediate transaction already holds the single write lock.
    /// </summary>
    private async Task<(long Sequence, byte[] Hash)> LockHeadAsync(
        DbConnection connection, DbTransaction transaction, int chain, CancellationToken cancellationToken)
    {
        var forUpdate = Database.IsNpgsql() ? " FOR UPDATE" : "";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = $"SELECT last_sequence, last_hash FROM audit_chain_heads WHERE chain_id = @chain{forUpdate}";
                AddParameter(select, "@chain", chain);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    return (reader.GetInt64(0), (byte[])reader.GetValue(1));
                }
            }
            await AuditChainHeads.EnsureAsync(connection, transaction, [chain], cancellationToken);
        }
        throw new InvalidOperationException($"Audit chain head {chain} could not be created.");
    }

    internal static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>The INSERT of a batch of sealed audit records and the UPDATE of their chain's head, as one command.</summary>
internal static class AuditInsert
{
    private static readonly string[] Columns =
    [
        nameof(AuditRecord.Id), nameof(AuditRecord.ChainId), nameof(AuditRecord.Sequence), nameof(AuditRecord.OccurredAt),
        nameof(AuditRecord.Actor), nameof(AuditRecord.Action), nameof(AuditRecord.Subject), nameof(AuditRecord.Purpose),
        nameof(AuditRecord.LegalBasis), nameof(AuditRecord.RequestId), nameof(AuditRecord.Details),
        nameof(AuditRecord.PreviousHash), nameof(AuditRecord.Hash),
    ];

    public static void Prepare(DbContext db, DbCommand command, IReadOnlyList<AuditRecord> records, AuditChainHead head)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var recordType = db.Model.FindEntityType(typeof(AuditRecord))!;
        var recordTable = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(recordType.GetTableName()!, recordType.GetSchema());
        var properties = Columns.Select(c => recordType.FindProperty(c)!).ToArray();
        var text = new System.Text.StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(recordTable.Name, recordTable.Schema)).Append(" (")
            .AppendJoin(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(recordTable)!))).Append(") VALUES ");
        for (var row = 0; row < records.Count; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < properties.Length; column++)
            {
                var name = $"@a{row}_{column}";
                text.Append(column == 0 ? name : ", " + name);
                command.Parameters.Add(properties[column].GetRelationalTypeMapping()
                    .CreateParameter(command, name, properties[column].GetGetter().GetClrValue(records[row]), properties[column].IsNullable));
            }
            text.Append(')');
        }

        var headType = db.Model.FindEntityType(typeof(AuditChainHead))!;
        var headTable = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(headType.GetTableName()!, headType.GetSchema());
        var sequence = headType.FindProperty(nameof(AuditChainHead.LastSequence))!;
        var hash = headType.FindProperty(nameof(AuditChainHead.LastHash))!;
        var chain = headType.FindProperty(nameof(AuditChainHead.ChainId))!;
        text.Append(";\nUPDATE ").Append(sql.DelimitIdentifier(headTable.Name, headTable.Schema))
            .Append(" SET ").Append(sql.DelimitIdentifier(sequence.GetColumnName(headTable)!)).Append(" = @hs, ")
            .Append(sql.DelimitIdentifier(hash.GetColumnName(headTable)!)).Append(" = @hh WHERE ")
            .Append(sql.DelimitIdentifier(chain.GetColumnName(headTable)!)).Append(" = @hc");
        command.Parameters.Add(sequence.GetRelationalTypeMapping().CreateParameter(command, "@hs", head.LastSequence, nullable: false));
        command.Parameters.Add(hash.GetRelationalTypeMapping().CreateParameter(command, "@hh", head.LastHash, nullable: false));
        command.Parameters.Add(chain.GetRelationalTypeMapping().CreateParameter(command, "@hc", head.ChainId, nullable: false));
        command.CommandText = text.ToString();
    }
}

internal static class AuditChainHeads
{
    /// <summary>Creates missing chain heads; safe to run from several instances at once.</summary>
    public static async Task EnsureAsync(
        DbConnection connection, DbTransaction? transaction, IEnumerable<int> chains, CancellationToken cancellationToken)
    {
        foreach (var chain in chains)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText =
                "INSERT INTO audit_chain_heads (chain_id, last_sequence, last_hash) VALUES (@chain, 0, @hash) ON CONFLICT (chain_id) DO NOTHING";
            DinhDbContext.AddParameter(insert, "@chain", chain);
            DinhDbContext.AddParameter(insert, "@hash", AuditTrail.GenesisHash(chain));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
