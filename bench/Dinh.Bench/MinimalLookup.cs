using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Dinh.Bench;

/// <summary>
/// Peers for bench/run-lookup.sh: the least an HTTP lookup by personal ID number can cost on this stack. Kestrel,
/// Npgsql with prepared statements, the summary's columns through the same indexes as Dinh's lookup,
/// System.Text.Json; no authentication, no EF Core, no jurisdiction, no middleware. Five routes:
/// <list type="bullet">
/// <item><c>/lookup</c>: one SELECT per request, no audit record.</item>
/// <item><c>/audited</c>: the same SELECT, then a durable, hash-chained audit row for the read, committed by one writer
/// for all the reads waiting at that moment (group commit, as Dinh's read audit, ADR 0010/0025); the answer leaves
/// after the commit.</item>
/// <item><c>/batched</c>: the most generous design for an audited read: the reads waiting at that moment are answered
/// by one statement that selects all of them (<c>number = ANY</c>) and inserts all their audit rows, one round trip
/// and one commit per batch, by one writer.</item>
/// <item><c>/batched-2</c>: the same with two writers, each on its own chain.</item>
/// <item><c>/batched-plain</c>: the batched SELECT without audit rows, to show what the audit costs in that design.</item>
/// </list>
/// The audit row is smaller than Dinh's (sequence, time, reader, subject, chained hash; one index), so each audited
/// route is an upper bound for Dinh's lookup, which must record every read before answering, on the same machine.
/// </summary>
internal static class MinimalLookup
{
    private const string Columns = "c.id, c.personal_id_number, c.full_name, c.birth_year, c.birth_month, c.birth_day, c.sex, c.status";

    private const string Sql = $"""
        SELECT {Columns}
        FROM citizens AS c
        WHERE EXISTS (SELECT 1 FROM citizen_id_numbers AS n WHERE n.citizen_id = c.id AND n.number = $1)
        """;

    /// <summary>The audit rows' INSERT, its five arrays numbered from <paramref name="first"/>.</summary>
    private static string InsertAudit(int first) => $"""
        INSERT INTO bench_read_audit (seq, at, reader, subject, hash)
        SELECT * FROM unnest(${first}::bigint[], ${first + 1}::timestamptz[], ${first + 2}::text[], ${first + 3}::text[], ${first + 4}::bytea[])
        """;

    private static readonly string AuditSql = InsertAudit(1);

    private const string PlainBatchedSql = $"""
        SELECT n.number, {Columns}
        FROM citizen_id_numbers AS n JOIN citizens AS c ON c.id = n.citizen_id
        WHERE n.number = ANY($1)
        """;

    private static readonly string BatchedSql = $"""
        WITH audit AS ({InsertAudit(2)})
        {PlainBatchedSql}
        """;

    private const string Reader = "VN/BENCH/MINIMAL/lookup";

    private sealed record Row(Guid Id, string PersonalIdNumber, string FullName, int BirthYear, int? BirthMonth, int? BirthDay, string Sex, string Status);

    public static async Task<int> RunAsync(string connectionString, string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        await using var data = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxAutoPrepare = 16 } }.Build();
        await using (var create = data.CreateCommand("""
            DROP TABLE IF EXISTS bench_read_audit;
            CREATE TABLE bench_read_audit (seq bigint PRIMARY KEY, at timestamptz NOT NULL, reader text NOT NULL, subject text NOT NULL, hash bytea NOT NULL)
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Writers never share a chain: each of the four has its own sequence numbers (1, 5, 9 … for the first).
        var chains = 0;
        AuditChain NewChain() => new(++chains, 4);
        var audited = new GroupCommit<string, bool>(1, () =>
        {
            var chain = NewChain();
            return async numbers =>
            {
                await using var command = data.CreateCommand(AuditSql);
                chain.AddParameters(command, numbers);
                await command.ExecuteNonQueryAsync();
                return new bool[numbers.Count];
            };
        });
        var batched = new GroupCommit<string, List<Row>>(1, () => BatchedWriter(data, NewChain()));
        var batchedTwo = new GroupCommit<string, List<Row>>(2, () => BatchedWriter(data, NewChain()));
        var batchedPlain = new GroupCommit<string, List<Row>>(1, () => BatchedWriter(data, chain: null));

        var app = builder.Build();
        app.MapGet("/health/live", () => "ok");
        app.MapGet("/lookup", async (string number, CancellationToken cancellationToken) =>
            Answer(await SelectAsync(data, number, cancellationToken)));
        app.MapGet("/audited", async (string number, CancellationToken cancellationToken) =>
        {
            var items = await SelectAsync(data, number, cancellationToken);
            await audited.SubmitAsync(number);
            return Answer(items);
        });
        app.MapGet("/batched", async (string number) => Answer(await batched.SubmitAsync(number)));
        app.MapGet("/batched-2", async (string number) => Answer(await batchedTwo.SubmitAsync(number)));
        app.MapGet("/batched-plain", async (string number) => Answer(await batchedPlain.SubmitAsync(number)));
        Console.Error.WriteLine($"minimal lookup on {url}");
        await app.RunAsync();
        return 0;
    }

    /// <summary>One statement for the batch: every number's rows and, with a chain, every read's audit row.</summary>
    private static Func<List<string>, Task<List<Row>[]>> BatchedWriter(NpgsqlDataSource data, AuditChain? chain) => async numbers =>
    {
        await using var command = data.CreateCommand(chain is null ? PlainBatchedSql : BatchedSql);
        command.Parameters.Add(new NpgsqlParameter { Value = numbers.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        chain?.AddParameters(command, numbers);
        var found = new Dictionary<string, List<Row>>(numbers.Count);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var number = reader.GetString(0);
                if (!found.TryGetValue(number, out var rows))
                {
                    found[number] = rows = new List<Row>(1);
                }

                rows.Add(ReadRow(reader, 1));
            }
        }

        return [.. numbers.Select(n => found.TryGetValue(n, out var rows) ? rows : [])];
    };

    private static IResult Answer(List<Row> items) => Results.Json(new { items, page = 1, pageSize = 20, total = items.Count });

    private static async Task<List<Row>> SelectAsync(NpgsqlDataSource data, string number, CancellationToken cancellationToken)
    {
        await using var command = data.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = number });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<Row>(1);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadRow(reader, 0));
        }

        return items;
    }

    private static Row ReadRow(NpgsqlDataReader reader, int at) =>
        new(reader.GetGuid(at), reader.GetString(at + 1), reader.GetString(at + 2), reader.GetInt32(at + 3),
            reader.IsDBNull(at + 4) ? null : reader.GetInt32(at + 4), reader.IsDBNull(at + 5) ? null : reader.GetInt32(at + 5),
            ((Sex)reader.GetInt32(at + 6)).ToString(), ((CitizenStatus)reader.GetInt32(at + 7)).ToString());

    /// <summary>The audit rows' sequence and hash chain: each row's hash covers the previous row's hash and its own
    /// fields. Only the single writer of a <see cref="GroupCommit{TIn, TOut}"/> calls it.</summary>
    private sealed class AuditChain(long first, long step)
    {
        private long _next = first;
        private byte[] _head = new byte[32];

        public void AddParameters(NpgsqlCommand command, List<string> subjects)
        {
            var count = subjects.Count;
            var seq = new long[count];
            var at = new DateTime[count];
            var readers = new string[count];
            var hashes = new byte[count][];
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            for (var i = 0; i < count; i++)
            {
                seq[i] = _next;
                _next += step;
                at[i] = now;
                readers[i] = Reader;
                _head = SHA256.HashData([.. _head, .. Encoding.UTF8.GetBytes($"{seq[i]}|{now:O}|{Reader}|{subjects[i]}")]);
                hashes[i] = _head;
            }

            command.Parameters.Add(new NpgsqlParameter { Value = seq });
            command.Parameters.Add(new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = readers });
            command.Parameters.Add(new NpgsqlParameter { Value = subjects.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = hashes });
        }
    }

    /// <summary>One writer that takes every item waiting when it is free, runs them as one batch and answers each
    /// caller with its own result once the batch's statement (and so its commit) is done.</summary>
    private sealed class GroupCommit<TIn, TOut>
    {
        private readonly Channel<(TIn Item, TaskCompletionSource<TOut> Done)> _queue =
            Channel.CreateUnbounded<(TIn, TaskCompletionSource<TOut>)>();
        public GroupCommit(int writers, Func<Func<List<TIn>, Task<TOut[]>>> newWriter)
        {
            for (var i = 0; i < writers; i++)
            {
                var execute = newWriter();
                _ = Task.Run(() => WriteAsync(execute));
            }
        }

        public Task<TOut> SubmitAsync(TIn item)
        {
            var done = new TaskCompletionSource<TOut>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Writer.TryWrite((item, done));
            return done.Task;
        }

        private async Task WriteAsync(Func<List<TIn>, Task<TOut[]>> execute)
        {
            var waiting = new List<(TIn Item, TaskCompletionSource<TOut> Done)>();
            var items = new List<TIn>();
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (waiting.Count < 256 && _queue.Reader.TryRead(out var next))
                {
                    waiting.Add(next);
                    items.Add(next.Item);
                }

                try
                {
                    var results = await execute(items);
                    for (var i = 0; i < waiting.Count; i++)
                    {
                        waiting[i].Done.SetResult(results[i]);
                    }
                }
                catch (Exception failure)
                {
                    waiting.ForEach(w => w.Done.SetException(failure));
                }

                waiting.Clear();
                items.Clear();
            }
        }
    }
}
