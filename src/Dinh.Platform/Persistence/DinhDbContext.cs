using System.Data.Common;
using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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

    /// <summary>
    /// Whether the context runs on PostgreSQL, read from its options once. EF Core's <c>Database.IsNpgsql()</c> reads the
    /// provider's assembly name by reflection on every call, which the audit writers and the token ledger paid per batch.
    /// </summary>
    public bool OnPostgres { get; } = options.Extensions.Any(e => e.GetType().Name == "NpgsqlOptionsExtension");

    // Records are keyed by chain and sequence, which only sealing gives them. Until then each tracked record holds a
    // place no chain has (a negative sequence), so that a unit of work can add several; they are detached before sealing.
    private long _unsealed;

    public void Audit(AuditEvent audit)
    {
        var record = NewRecord(audit);
        record.Sequence = --_unsealed;
        Set<AuditRecord>().Add(record);
    }

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
    /// Commits <paramref name="audits"/>, chained on <paramref name="chain"/>, in one transaction with
    /// <paramref name="companions"/> (the rows that go with them, such as access-log entries): the group commit of
    /// reads (<see cref="ReadAudit{TContext}"/>). Nothing is tracked: the rows go to the database built with the model's
    /// own column names and types (so they are those EF Core would write). The writer keeps its chain's head between
    /// batches (<see cref="ReadAuditChain"/>) and the batch moves the head only if it is still the one kept; when another
    /// writer moved it meanwhile (a write, another instance), nothing of the batch stays, and it is sealed again on the
    /// head read under lock.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL, with a kept head, the batch is one round trip (ADR 0025) and one statement (ADR 0026): the head's
    /// conditional UPDATE and one INSERT per table over arrays (<see cref="ArrayInsert"/>), sent without a transaction,
    /// so that it commits on its own before its reply; the head check raises an error when the head moved, and an error
    /// anywhere rolls the whole batch back. Otherwise (SQLite, or no kept head) an explicit transaction: the head read
    /// under lock when not kept, one command, the commit.
    /// </remarks>
    internal async Task AppendReadsAsync(IReadOnlyList<AuditEvent> audits, IReadOnlyList<object> companions, ReadAuditChain chain,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audits);
        ArgumentNullException.ThrowIfNull(companions);
        ArgumentNullException.ThrowIfNull(chain);
        if (audits.Count == 0)
        {
            throw new ArgumentException("Nothing to append.", nameof(audits));
        }
        var records = audits.Select(NewRecord).ToList();
        var npgsql = OnPostgres;
        for (var attempt = 0; ; attempt++)
        {
            var kept = chain.Head;
            try
            {
                if (npgsql && kept is { } known)
                {
                    var sealedOnKept = Seal(records, chain.ChainId, known.Sequence, known.Hash);
                    await Database.OpenConnectionAsync(cancellationToken);
                    try
                    {
                        await ArrayInsert.ExecuteAsync(this, (NpgsqlConnection)Database.GetDbConnection(), null, companions, records, sealedOnKept,
                            known.Sequence, cancellationToken);
                    }
                    finally
                    {
                        await Database.CloseConnectionAsync();
                    }
                    chain.Head = (sealedOnKept.LastSequence, sealedOnKept.LastHash);
                    return;
                }
                await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
                var dbTransaction = transaction.GetDbTransaction();
                var (sequence, previous) = kept ?? await LockHeadAsync(Database.GetDbConnection(), dbTransaction, chain.ChainId, cancellationToken);
                var head = Seal(records, chain.ChainId, sequence, previous);
                if (npgsql)
                {
                    // The head is locked (not kept): its check passes, and the commit below ends the transaction.
                    await ArrayInsert.ExecuteAsync(this, (NpgsqlConnection)Database.GetDbConnection(), (NpgsqlTransaction)dbTransaction, companions,
                        records, head, sequence, cancellationToken);
                }
                else
                {
                    await using var command = Database.GetDbConnection().CreateCommand();
                    command.Transaction = dbTransaction;
                    var expected = RowInsert.Prepare(this, command, companions, records, head, sequence);
                    if (await command.ExecuteNonQueryAsync(cancellationToken) != expected)
                    {
                        // The head moved since this writer last wrote it, and no record collided: nothing stays (the head
                        // row was not updated, the inserts go with the rollback). Sealed again on the head read under lock.
                        chain.Head = null;
                        await transaction.RollbackAsync(cancellationToken);
                        if (attempt < 3)
                        {
                            continue;
                        }
                        throw new InvalidOperationException($"Audit chain {chain.ChainId} kept moving; the batch was not written.");
                    }
                }
                await transaction.CommitAsync(cancellationToken);
                chain.Head = (head.LastSequence, head.LastHash);
                return;
            }
            catch (DbException exception) when (kept is not null && attempt < 3 && (!npgsql || ArrayInsert.HeadMoved(this, exception)))
            {
                // Sealed on a kept head that had moved: the head check failed, or the records collided with those
                // written meanwhile (a unique violation on chain and sequence); either way the batch's transaction
                // rolled back whole. Again, on the head read under lock; any other error comes back from that attempt
                // too. On PostgreSQL only these two errors are retried: after any other (a connection lost during the
                // commit) the batch may have committed, and is not written twice.
                chain.Head = null;
            }
            catch
            {
                chain.Head = null;
                throw;
            }
        }
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
        return Seal(pending, chain, sequence, previous);
    }

    private AuditChainHead Seal(List<AuditRecord> pending, int chain, long sequence, byte[] previous)
    {
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
        var forUpdate = OnPostgres ? " FOR UPDATE" : "";
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

/// <summary>
/// One command that inserts a read batch's rows and moves its chain head, without change tracking: for each entity
/// type, one multi-row INSERT whose columns and parameters come from the model (names, type mappings), then the head's
/// UPDATE, conditional on the head being where the writer left it.
/// </summary>
internal static class RowInsert
{
    private sealed record Shape(string Insert, IProperty[] Properties);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IEntityType, Shape> Shapes = new();

    /// <returns>The rows the command affects when the head was where expected: every inserted row plus the head.</returns>
    public static int Prepare(DbContext db, DbCommand command, IReadOnlyList<object> companions, IReadOnlyList<AuditRecord> records,
        AuditChainHead head, long expectedSequence)
    {
        var text = new System.Text.StringBuilder();
        var parameter = 0;
        foreach (var group in companions.GroupBy(c => c.GetType()))
        {
            Append(db, command, text, group.ToList(), ref parameter);
        }
        Append(db, command, text, records, ref parameter);

        var sql = db.GetService<ISqlGenerationHelper>();
        var headType = db.Model.FindEntityType(typeof(AuditChainHead))!;
        var headTable = StoreObjectIdentifier.Table(headType.GetTableName()!, headType.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(headType.FindProperty(property)!.GetColumnName(headTable)!);
        text.Append("UPDATE ").Append(sql.DelimitIdentifier(headTable.Name, headTable.Schema))
            .Append(" SET ").Append(Column(nameof(AuditChainHead.LastSequence))).Append(" = @hs, ")
            .Append(Column(nameof(AuditChainHead.LastHash))).Append(" = @hh WHERE ")
            .Append(Column(nameof(AuditChainHead.ChainId))).Append(" = @hc AND ")
            .Append(Column(nameof(AuditChainHead.LastSequence))).Append(" = @he");
        void Add(string name, string property, object value) => command.Parameters.Add(headType.FindProperty(property)!
            .GetRelationalTypeMapping().CreateParameter(command, name, value, nullable: false));
        Add("@hs", nameof(AuditChainHead.LastSequence), head.LastSequence);
        Add("@hh", nameof(AuditChainHead.LastHash), head.LastHash);
        Add("@hc", nameof(AuditChainHead.ChainId), head.ChainId);
        Add("@he", nameof(AuditChainHead.LastSequence), expectedSequence);
        command.CommandText = text.ToString();
        return companions.Count + records.Count + 1;
    }

    private static void Append<T>(DbContext db, DbCommand command, System.Text.StringBuilder text, IReadOnlyList<T> rows, ref int parameter)
        where T : notnull
    {
        if (rows.Count == 0)
        {
            return;
        }
        var type = db.Model.FindEntityType(rows[0].GetType())
            ?? throw new InvalidOperationException($"{rows[0].GetType().Name} is not an entity of {db.GetType().Name}.");
        if (!Shapes.TryGetValue(type, out var shape))
        {
            shape = ShapeOf(type, db.GetService<ISqlGenerationHelper>());
            Shapes.AddOrUpdate(type, shape);
        }
        text.Append(shape.Insert);
        for (var row = 0; row < rows.Count; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < shape.Properties.Length; column++)
            {
                var property = shape.Properties[column];
                var name = "@p" + parameter++.ToString(System.Globalization.CultureInfo.InvariantCulture);
                text.Append(column == 0 ? name : ", " + name);
                command.Parameters.Add(property.GetRelationalTypeMapping()
                    .CreateParameter(command, name, property.GetGetter().GetClrValue(rows[row]), property.IsNullable));
            }
            text.Append(')');
        }
        text.Append(";\n");
    }

    /// <summary>The table and the columns of an entity written without tracking: every property, none of them shadow,
    /// unmapped or store-generated (the rows are written exactly as EF Core would write them), except an integer key
    /// the database numbers (EF Core's convention for such keys: an identity or autoincrement column), which is left
    /// out for the database to assign.</summary>
    internal static (StoreObjectIdentifier Table, IProperty[] Properties) Writable(IEntityType type)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()
            ?? throw new InvalidOperationException($"{type.DisplayName()} has no table."), type.GetSchema());
        var properties = type.GetProperties().Where(p => !IsNumberedByDatabase(p)).ToArray();
        if (properties.Any(p => p.IsShadowProperty() || p.GetColumnName(table) is null || (p.ValueGenerated != ValueGenerated.Never && !p.IsPrimaryKey())))
        {
            throw new InvalidOperationException($"{type.DisplayName()} has a shadow, unmapped or store-generated property; it cannot be written without tracking.");
        }
        return (table, properties);
    }

    private static bool IsNumberedByDatabase(IProperty property) =>
        property.FindContainingPrimaryKey() is { Properties.Count: 1 } && property.ValueGenerated == ValueGenerated.OnAdd
        && !property.IsForeignKey() && (property.ClrType == typeof(long) || property.ClrType == typeof(int) || property.ClrType == typeof(short));

    private static Shape ShapeOf(IEntityType type, ISqlGenerationHelper sql)
    {
        var (table, properties) = Writable(type);
        var insert = new System.Text.StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!))).Append(") VALUES ").ToString();
        return new Shape(insert, properties);
    }
}

/// <summary>
/// A read batch on PostgreSQL as one statement (ADR 0026; three in one <c>NpgsqlBatch</c> before, ADR 0025): the chain
/// head's UPDATE, conditional on the head being where the writer left it, in a CTE whose count other than 1 raises an
/// error; for each companion entity type (the access log) an INSERT of all its rows from arrays in a CTE of its own
/// (<c>INSERT … SELECT * FROM unnest($5, $6, …)</c>, one array per column); and the INSERT of the records, from arrays
/// too, gated by the head check's value so that the check is evaluated before any record is inserted. The text depends
/// on the tables only, never on the batch's size, so it is prepared once per connection (Max Auto Prepare) and a batch
/// sends one parameter per column, not one per value. Sent without a transaction, the statement commits on its own
/// before its reply (one round trip); an error anywhere in it (the check, a record's place taken, a companion refused)
/// rolls it back whole.
/// </summary>
internal static class ArrayInsert
{
    /// <summary>Marks the head check's error, a cast that fails on purpose (PostgreSQL has no RAISE outside PL/pgSQL).</summary>
    private const string HeadMovedMessage = "audit chain head moved";

    private sealed record Shape(string Table, string Columns, IProperty[] Properties, Type[] Elements, ValueConverter?[] Converters);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IEntityType, Shape> Shapes = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IEntityType, string> HeadChecks = new();

    /// <summary>The batch failed because its kept head had moved: the head check, or a record's place already taken.</summary>
    public static bool HeadMoved(DbContext db, DbException exception) => exception is PostgresException postgres
        && ((postgres.SqlState == PostgresErrorCodes.UniqueViolation && postgres.TableName == db.Model.FindEntityType(typeof(AuditRecord))?.GetTableName())
            || (postgres.SqlState == PostgresErrorCodes.InvalidTextRepresentation && postgres.MessageText.Contains(HeadMovedMessage, StringComparison.Ordinal)));

    public static async Task ExecuteAsync(DbContext db, NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<object> companions,
        IReadOnlyList<AuditRecord> records, AuditChainHead head, long expectedSequence, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new System.Text.StringBuilder(HeadCheck(db));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head.LastSequence });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = head.LastHash });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = head.ChainId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedSequence });
        if (companions.Count > 0)
        {
            // Ordered by type, so that batches with the same companion types always send the same text (one prepared statement).
            var index = 0;
            foreach (var group in companions.GroupBy(c => c.GetType()).OrderBy(g => g.Key.FullName, StringComparer.Ordinal))
            {
                var shape = Arrays(db, command, [.. group]);
                text.Append(", c").Append(index++.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" AS (INSERT INTO ")
                    .Append(shape.Table).Append(shape.Columns).Append(" SELECT * FROM unnest(");
                AppendPlaces(text, command.Parameters.Count - shape.Properties.Length, shape.Properties.Length);
                text.Append("))");
            }
        }
        var audit = Arrays(db, command, records);
        // The check's value gates the records' insert (a one-time filter, evaluated before the first row): a CTE whose
        // value nothing uses is never evaluated, and the records would then land past a head that did not move.
        text.Append(" INSERT INTO ").Append(audit.Table).Append(audit.Columns).Append(" SELECT * FROM unnest(");
        AppendPlaces(text, command.Parameters.Count - audit.Properties.Length, audit.Properties.Length);
        text.Append(") WHERE (SELECT ok FROM checked) = 1");
        command.CommandText = text.ToString();
        if (await command.ExecuteNonQueryAsync(cancellationToken) != records.Count)
        {
            // Cannot happen: the check raises an error rather than filter the records out. Should it, the statement has
            // committed without them; failing the batch's requests keeps every answer behind its record.
            throw new InvalidOperationException("The read-audit batch wrote fewer records than it holds.");
        }
    }

    private static void AppendPlaces(System.Text.StringBuilder text, int before, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            text.Append(i == 1 ? "$" : ", $").Append((before + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // The UPDATE runs in a CTE so that the statement can count what it moved; a count other than 1 casts a text to an
    // integer, which fails (the text depends on the count, so PostgreSQL cannot fold it into an error at planning).
    // Parameters $1 to $4: the new sequence and hash, the chain, the sequence expected.
    private static string HeadCheck(DbContext db)
    {
        var headType = db.Model.FindEntityType(typeof(AuditChainHead))!;
        if (HeadChecks.TryGetValue(headType, out var text))
        {
            return text;
        }
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = StoreObjectIdentifier.Table(headType.GetTableName()!, headType.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(headType.FindProperty(property)!.GetColumnName(table)!);
        text = $"WITH moved AS (UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {Column(nameof(AuditChainHead.LastSequence))} = $1, "
            + $"{Column(nameof(AuditChainHead.LastHash))} = $2 WHERE {Column(nameof(AuditChainHead.ChainId))} = $3 "
            + $"AND {Column(nameof(AuditChainHead.LastSequence))} = $4 RETURNING 1), "
            + $"checked AS MATERIALIZED (SELECT CASE count(*) WHEN 1 THEN 1 ELSE CAST('{HeadMovedMessage}: ' || count(*) || ' rows' AS integer) END AS ok FROM moved)";
        HeadChecks.AddOrUpdate(headType, text);
        return text;
    }

    // Adds one array parameter per column of the rows' table, in the shape's column order.
    private static Shape Arrays<T>(DbContext db, NpgsqlCommand command, IReadOnlyList<T> rows) where T : notnull
    {
        var type = db.Model.FindEntityType(rows[0].GetType())
            ?? throw new InvalidOperationException($"{rows[0].GetType().Name} is not an entity of {db.GetType().Name}.");
        if (!Shapes.TryGetValue(type, out var shape))
        {
            shape = ShapeOf(type, db.GetService<ISqlGenerationHelper>());
            Shapes.AddOrUpdate(type, shape);
        }
        for (var column = 0; column < shape.Properties.Length; column++)
        {
            var getter = shape.Properties[column].GetGetter();
            var converter = shape.Converters[column];
            var values = Array.CreateInstance(shape.Elements[column], rows.Count);
            for (var row = 0; row < rows.Count; row++)
            {
                var value = getter.GetClrValue(rows[row]);
                values.SetValue(converter is null || value is null ? value : converter.ConvertToProvider(value), row);
            }
            command.Parameters.Add(new NpgsqlParameter { Value = values });
        }
        return shape;
    }

    private static Shape ShapeOf(IEntityType type, ISqlGenerationHelper sql)
    {
        var (table, properties) = RowInsert.Writable(type);
        var converters = properties.Select(p => p.GetTypeMapping().Converter).ToArray();
        var elements = properties.Select((p, i) =>
        {
            var clr = converters[i]?.ProviderClrType ?? p.ClrType;
            // Arrays of a value type hold nulls only as Nullable<T>.
            return p.IsNullable && clr.IsValueType && Nullable.GetUnderlyingType(clr) is null ? typeof(Nullable<>).MakeGenericType(clr) : clr;
        }).ToArray();
        var columns = new System.Text.StringBuilder(" (").AppendJoin(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))
            .Append(')').ToString();
        return new Shape(sql.DelimitIdentifier(table.Name, table.Schema), columns, properties, elements, converters);
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
