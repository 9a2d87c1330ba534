using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dinh.Bench;

internal sealed record AuditAppendSettings(string Postgres, TimeSpan Duration, int Writers)
{
    public static bool TryParse(string[] args, out AuditAppendSettings settings)
    {
        settings = new("", TimeSpan.FromSeconds(10), 32);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--postgres":
                    settings = settings with { Postgres = value };
                    break;
                case "--seconds" when int.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    settings = settings with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--writers" when int.TryParse(value, CultureInfo.InvariantCulture, out var writers) && writers > 0:
                    settings = settings with { Writers = writers };
                    break;
                default:
                    return false;
            }
        }
        return args.Length % 2 == 0 && settings.Postgres.Length > 0;
    }
}

/// <summary>
/// "Audit appends must not serialise the whole server": W writers each commit one business row plus one audit
/// record per transaction. The peer writes the same audit-sized row without chaining, so the ratios show what the
/// head lock and hashing cost, with every append on one chain (b) or spread over the default chains (c).
/// </summary>
internal static class AuditAppendBenchmark
{
    // Scenarios take turns in short rounds, so that load from elsewhere on the machine falls on all of them alike.
    private const int Rounds = 5;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
    private static readonly byte[] UnchainedHash = new byte[AuditTrail.HashSize];
    // The peer never calls Audit, so its context's trail is never used.
    private static readonly AuditTrail UnusedTrail = new(TimeProvider.System, 1);
    private const string ChangePayload = """{"field":"permanent_residence","value":"bench"}""";

    private sealed record Scenario(string Label, AuditTrail? Trail);

    private sealed record Round(double[] Latencies, TimeSpan Elapsed)
    {
        public double PerSecond => Latencies.Length / Elapsed.TotalSeconds;
    }

    public static async Task<int> RunAsync(AuditAppendSettings settings)
    {
        var name = $"dinh_bench_{RandomNumberGenerator.GetHexString(12, lowercase: true)}";
        var server = new NpgsqlConnectionStringBuilder(settings.Postgres);
        var database = new DatabaseOptions
        {
            Provider = nameof(DatabaseProvider.Postgres),
            ConnectionString = new NpgsqlConnectionStringBuilder(settings.Postgres)
            {
                Database = name,
                MaxPoolSize = Math.Max(100, settings.Writers + 4),
            }.ConnectionString,
        };
        // UseDinhDatabase returns the non-generic builder, whose Options PlatformDbContext does not accept.
        var builder = new DbContextOptionsBuilder<PlatformDbContext>();
        builder.UseDinhDatabase(database);
        var options = builder.Options;
        var defaultChains = new AuditOptions().Chains;
        Scenario[] scenarios =
        [
            new("a peer: unchained row", null),
            new("b chained, 1 chain", new AuditTrail(TimeProvider.System, 1)),
            new($"c chained, {defaultChains} chains", new AuditTrail(TimeProvider.System, defaultChains)),
        ];

        var version = await AdminAsync(settings.Postgres, $"CREATE DATABASE {name}");
        try
        {
            await PrepareAsync(database, scenarios[2].Trail!);
            Console.WriteLine(
                $"audit append: PostgreSQL {version} at {server.Host}:{server.Port}, {settings.Writers} writers, " +
                $"{settings.Duration.TotalSeconds:0} s per scenario in {Rounds} rounds, {Environment.ProcessorCount} CPUs");

            long peerSequence = 0;
            long chainedAppends = 0;
            async Task<Round> RunRoundAsync(Scenario scenario, TimeSpan duration)
            {
                var round = await MeasureAppendsAsync(settings.Writers, duration, writer => scenario.Trail is { } trail
                    ? AppendChainedAsync(options, trail, writer)
                    : AppendUnchainedAsync(options, writer, Interlocked.Increment(ref peerSequence)));
                chainedAppends += scenario.Trail is null ? 0 : round.Latencies.Length;
                return round;
            }

            // Warm-up: JIT, EF's compiled model and the connection pool, for every path, before any figure counts.
            foreach (var scenario in scenarios)
            {
                await RunRoundAsync(scenario, WarmUp);
            }

            var rounds = scenarios.Select(_ => new List<Round>()).ToArray();
            for (var r = 0; r < Rounds; r++)
            {
                for (var i = 0; i < scenarios.Length; i++)
                {
                    rounds[i].Add(await RunRoundAsync(scenarios[i], settings.Duration / Rounds));
                }
            }

            Console.WriteLine($"{"scenario",-24} {"appends/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"vs a",6}   rounds min..max/s");
            var rates = rounds.Select(r => r.Sum(x => x.Latencies.Length) / r.Sum(x => x.Elapsed.TotalSeconds)).ToArray();
            for (var i = 0; i < scenarios.Length; i++)
            {
                var sorted = rounds[i].SelectMany(x => x.Latencies).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{scenarios[i].Label,-24} {rates[i],10:0.0} {Percentile(sorted, 0.50),8:0.00} {Percentile(sorted, 0.95),8:0.00} " +
                    $"{Percentile(sorted, 0.99),8:0.00} {rates[i] / rates[0],6:0.00}   " +
                    $"{rounds[i].Min(x => x.PerSecond):0}..{rounds[i].Max(x => x.PerSecond):0}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"c/b throughput: {rates[2] / rates[1]:0.00}"));

            return await VerifyAsync(options, scenarios[2].Trail!, chainedAppends);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(settings.Postgres, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    /// <summary>Migrates and creates the chain heads exactly as <c>dinh db migrate</c> does, then adds the bench tables.</summary>
    private static async Task PrepareAsync(DatabaseOptions database, AuditTrail trail)
    {
        await using (var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(Options.Create(database))
            .AddSingleton(trail)
            .AddDinhDbContext<PlatformDbContext>()
            .AddSingleton<DatabaseMigrator>()
            .BuildServiceProvider())
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        // Same columns and indexes as audit_records, so that the peer's row costs the database what an audit row does.
        await using var create = new NpgsqlCommand(
            "CREATE TABLE bench_changes (id uuid PRIMARY KEY, payload text NOT NULL);" +
            "CREATE TABLE bench_audit_unchained (LIKE audit_records INCLUDING ALL);", connection);
        await create.ExecuteNonQueryAsync();
    }

    private static async Task AppendChainedAsync(DbContextOptions<PlatformDbContext> options, AuditTrail trail, int writer)
    {
        await using var db = new PlatformDbContext(WithTrail(options, trail));
        await using var transaction = await db.Database.BeginTransactionAsync();
        var change = await InsertChangeAsync(db);
        db.Audit(Event(writer, change));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private static async Task AppendUnchainedAsync(DbContextOptions<PlatformDbContext> options, int writer, long sequence)
    {
        await using var db = new PlatformDbContext(WithTrail(options, UnusedTrail));
        await using var transaction = await db.Database.BeginTransactionAsync();
        var change = await InsertChangeAsync(db);
        var e = Event(writer, change);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO bench_audit_unchained (id, chain_id, sequence, occurred_at, actor, action, subject, purpose,
                legal_basis, request_id, details, previous_hash, hash)
            VALUES ({Guid.CreateVersion7()}, 0, {sequence}, {TimeProvider.System.GetUtcNow()}, {e.Actor}, {e.Action},
                {e.Subject}, {e.Purpose}, {e.LegalBasis}, {e.RequestId}, {e.Details}, {UnchainedHash}, {UnchainedHash})
            """);
        await transaction.CommitAsync();
    }

    private static async Task<Guid> InsertChangeAsync(DbContext db)
    {
        var id = Guid.CreateVersion7();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO bench_changes (id, payload) VALUES ({id}, {ChangePayload})");
        return id;
    }

    private static AuditEvent Event(int writer, Guid change) =>
        new($"officer:bench-{writer}", "bench.change.recorded", "benchmark of audit append throughput")
        {
            Subject = $"change:{change}",
            LegalBasis = "bench/README.md",
            RequestId = $"bench-{writer}-{change:N}",
            Details = """{"before":"a","after":"b"}""",
        };

    private static async Task<Round> MeasureAppendsAsync(int writers, TimeSpan duration, Func<int, Task> appendAsync)
    {
        var started = Stopwatch.GetTimestamp();
        var perWriter = await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await appendAsync(writer);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return latencies;
        })));
        // Appends still in flight at the deadline finish and count: the rate is over the whole elapsed time.
        return new(perWriter.SelectMany(l => l).ToArray(), Stopwatch.GetElapsedTime(started));
    }

    // A context takes its audit trail from its options (contexts are pooled, see PersistenceSetup): one set of
    // options per trail, built once, so that building them is not part of what is timed.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AuditTrail, DbContextOptions<PlatformDbContext>> OptionsByTrail = new();

    private static DbContextOptions<PlatformDbContext> WithTrail(DbContextOptions<PlatformDbContext> options, AuditTrail trail) =>
        OptionsByTrail.GetValue(trail, t => new DbContextOptionsBuilder<PlatformDbContext>(options).UseAuditTrail(t).Options);

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<int> VerifyAsync(DbContextOptions<PlatformDbContext> options, AuditTrail trail, long appended)
    {
        await using var db = new PlatformDbContext(WithTrail(options, trail));
        var verification = await new AuditVerifier(db).VerifyAsync();
        if (verification.Intact && verification.RecordsChecked == appended)
        {
            Console.WriteLine($"audit chains intact: {verification.RecordsChecked} records checked in {verification.ChainsChecked} chains");
            return 0;
        }
        Console.Error.WriteLine(
            $"audit chains NOT intact: {verification.RecordsChecked} records checked, {appended} appended, {verification.Findings.Count} findings");
        foreach (var finding in verification.Findings.Take(10))
        {
            Console.Error.WriteLine($"  {finding.Kind}: {finding.Message}");
        }
        return 1;
    }

    /// <summary>Runs one statement on the server's maintenance database; returns the server version.</summary>
    private static async Task<string> AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The database name is generated hex, never input: interpolating it is safe.
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
        return connection.ServerVersion;
    }
}
