using System.Threading.Channels;
using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Auditing;

/// <summary>Settings under Dinh:Audit:Reads (docs/adr/0010-group-commit-for-read-audit.md).</summary>
public sealed class ReadAuditOptions
{
    public const string Section = "Dinh:Audit:Reads";

    /// <summary>Most read-audit records committed in one transaction. 1 commits every read on its own (no grouping).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>
    /// Batches committed at the same time (each in its own transaction, on its own chain). One by default (ADR 0025):
    /// a batch is one round trip on PostgreSQL, and a second writer mostly halved the batches, each costing a commit.
    /// </summary>
    public int Writers { get; set; } = 1;

    /// <summary>
    /// Before taking a batch, how many times a writer lets the requests already running go first while records keep
    /// arriving (ADR 0026): each round is one turn at the back of the thread pool's queue, and the writer stops as soon
    /// as a round brings no new record. 0 (the default) takes what is waiting at once. 4 made batches ~40 % bigger
    /// under load, but on a quiet machine (docs/performance.md, 2026-11-25) it lowered throughput and did not lower the
    /// CPU per read, so it stays off.
    /// </summary>
    public int GatherRounds { get; set; }
}

/// <summary>
/// Group commit for the audit records of reads (lookups, verifications, searches: they change no data). Each request
/// hands its record (and the rows that go with it, such as an access-log entry) to <see cref="AppendAsync"/> and awaits
/// it; a few writers take every record waiting at that moment and commit them in one transaction through
/// <typeparamref name="TContext"/>, hash-chained exactly as <see cref="DinhDbContext.Audit"/> chains them. The task
/// completes only once that transaction has committed, so no answer leaves before its audit record is durable; a failed
/// transaction fails every request in the batch with its exception. A write that only adds rows (a sign-in's session
/// and login-history row, ADR 0027) may come here too, its rows as companions; a write that changes existing rows keeps
/// its audit record in its own transaction.
/// </summary>
public sealed class ReadAudit<TContext> : IAsyncDisposable where TContext : DinhDbContext
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly int _gatherRounds;
    private readonly Task[] _writers;

    public ReadAudit(IServiceScopeFactory scopes, AuditTrail trail, IOptions<ReadAuditOptions> options, ILogger<ReadAudit<TContext>> logger)
    {
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _logger = logger;
        _maxBatch = options.Value.MaxBatch;
        _gatherRounds = options.Value.GatherRounds;
        // Each writer appends to a chain of its own (other instances and ordinary writes may share it: a writer that
        // finds its head moved reads it again), from a random place so that instances spread over the chains.
        var first = Random.Shared.Next(trail.Chains);
        _writers = [.. Enumerable.Range(0, options.Value.Writers)
            .Select(i => new ReadAuditChain((first + i) % trail.Chains))
            .Select(chain => Task.Run(() => WriteAsync(chain)))];
    }

    /// <summary>Test seam: awaited by a writer after records arrive and before it takes them, so that tests can make a batch.</summary>
    internal Func<Task>? BeforeBatch { get; set; }

    /// <summary>Records handed over and not yet taken by a writer.</summary>
    internal int Waiting => _queue.Reader.Count;

    /// <summary>Commits <paramref name="audit"/> (with <paramref name="companions"/>, entities of <typeparamref name="TContext"/>) in the next batch.</summary>
    /// <returns>A task that completes when the batch has committed, or faults with the batch's error.</returns>
    public Task AppendAsync(AuditEvent audit, params IReadOnlyList<object> companions)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var pending = new Pending(audit, companions, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The read audit is shutting down; the request was not answered.");
        }
        return pending.Committed.Task;
    }

    private async Task WriteAsync(ReadAuditChain chain)
    {
        var batch = new List<Pending>();
        // The writer keeps one context and its open connection from batch to batch (no pool lease and connection reset
        // per batch, and the batch's statements stay prepared on it); after a failed batch it starts on fresh ones.
        var session = new WriterSession(_scopes);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                if (BeforeBatch is { } gate)
                {
                    await gate();
                }
                await GatherAsync();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }
                if (batch.Count == 0)
                {
                    continue;
                }
                try
                {
                    var db = await session.ContextAsync();
                    // Not cancellable: the requests wait for this commit, and a half-decided batch would answer nobody.
                    await db.AppendReadsAsync([.. batch.Select(p => p.Audit)], [.. batch.SelectMany(p => p.Companions)], chain, CancellationToken.None);
                    foreach (var pending in batch)
                    {
                        pending.Committed.TrySetResult();
                    }
                }
                catch (Exception exception)
                {
                    ReadAuditLog.BatchFailed(_logger, batch.Count, exception.GetType().Name);
                    foreach (var pending in batch)
                    {
                        pending.Committed.TrySetException(exception);
                    }
                    await session.ResetAsync();
                }
                batch.Clear();
            }
        }
        finally
        {
            await session.ResetAsync();
        }
    }

    // Each batch costs a commit (a WAL flush) and its statements whatever its size, so a bigger batch costs each read
    // less. Under load, requests that are about to hand over their records are queued in the thread pool behind this
    // writer's wake-up; a turn at the back of the queue lets them reach the channel first. Without load a round finds
    // nothing new and the batch goes at once (one thread-pool dispatch later).
    private async Task GatherAsync()
    {
        for (var round = 0; round < _gatherRounds; round++)
        {
            var seen = _queue.Reader.Count;
            if (seen >= _maxBatch)
            {
                return;
            }
            await Task.Yield();
            if (_queue.Reader.Count == seen)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A writer's context, leased once, with its connection held open. After a minute without a batch it is given back
    /// and leased again: a connection idle that long may have been closed by the server or a proxy in between
    /// (idle_session_timeout, a firewall), and a batch sent on it would fail its requests.
    /// </summary>
    private sealed class WriterSession(IServiceScopeFactory scopes)
    {
        private const long IdleMilliseconds = 60_000;

        private AsyncServiceScope? _scope;
        private TContext? _db;
        private long _lastUsed;

        public async Task<TContext> ContextAsync()
        {
            var now = Environment.TickCount64;
            if (_db is not null && now - _lastUsed > IdleMilliseconds)
            {
                await ResetAsync();
            }
            _lastUsed = now;
            if (_db is null)
            {
                var scope = scopes.CreateAsyncScope();
                try
                {
                    var db = scope.ServiceProvider.GetRequiredService<TContext>();
                    await db.Database.OpenConnectionAsync();
                    (_scope, _db) = (scope, db);
                }
                catch
                {
                    await scope.DisposeAsync();
                    throw;
                }
            }
            return _db;
        }

        public async Task ResetAsync()
        {
            var (scope, db) = (_scope, _db);
            (_scope, _db) = (null, null);
            try
            {
                if (db is not null)
                {
                    await db.Database.CloseConnectionAsync();
                }
            }
            catch (Exception)
            {
                // A broken connection: the pool discards it.
            }
            finally
            {
                if (scope is { } s)
                {
                    await s.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Stops taking records and commits every record already handed over before returning.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private sealed record Pending(AuditEvent Audit, IReadOnlyList<object> Companions, TaskCompletionSource Committed);
}

internal static partial class ReadAuditLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A read-audit batch of {Count} records failed ({ExceptionType}); every request in it fails.")]
    public static partial void BatchFailed(ILogger logger, int count, string exceptionType);
}

public static class ReadAuditSetup
{
    /// <summary>Registers the group-committed read audit that writes through <typeparamref name="TContext"/>.</summary>
    public static IServiceCollection AddReadAudit<TContext>(this IServiceCollection services)
        where TContext : DinhDbContext
    {
        services.AddOptions<ReadAuditOptions>().BindConfiguration(ReadAuditOptions.Section)
            .Validate(o => o.MaxBatch is >= 1 and <= 10_000, "Dinh:Audit:Reads:MaxBatch must be between 1 and 10000.")
            .Validate(o => o.Writers is >= 1 and <= 64, "Dinh:Audit:Reads:Writers must be between 1 and 64.")
            .Validate(o => o.GatherRounds is >= 0 and <= 64, "Dinh:Audit:Reads:GatherRounds must be between 0 and 64.")
            .ValidateOnStart();
        services.AddSingleton<ReadAudit<TContext>>();
        return services;
    }
}

/// <summary>
/// The chain one read-audit writer appends to, and the head it left there (null until its first batch, and after
/// anything went wrong): the next batch is sealed on that head without reading it (ADR 0021).
/// </summary>
internal sealed class ReadAuditChain(int chainId)
{
    public int ChainId { get; } = chainId;

    public (long Sequence, byte[] Hash)? Head { get; set; }
}
