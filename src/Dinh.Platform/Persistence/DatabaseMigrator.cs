using Dinh.Platform.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dinh.Platform.Persistence;

/// <summary>
/// Applies every module's migrations (EF Core takes a database-wide lock, so several instances may start at once)
/// and turns "cannot connect" into one line naming the setting to fix.
/// </summary>
public sealed partial class DatabaseMigrator(
    IServiceProvider services,
    IEnumerable<MigratableContext> contexts,
    IEnumerable<IDatabaseSeeder> seeders,
    IOptions<DatabaseOptions> options,
    AuditTrail auditTrail,
    ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var database = options.Value;
        try
        {
            if (database.ProviderKind == DatabaseProvider.Sqlite)
            {
                PrepareSqliteFile(database.EffectiveConnectionString);
            }

            await using var scope = services.CreateAsyncScope();
            foreach (var context in contexts)
            {
                var db = (DbContext)scope.ServiceProvider.GetRequiredService(context.ContextType);
                // A migration may build an index over millions of rows (10,000,000 citizens: minutes), far beyond the
                // default 30-second command timeout that would otherwise abort and roll back the upgrade.
                db.Database.SetCommandTimeout(TimeSpan.FromHours(2));
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
                await db.Database.MigrateAsync(cancellationToken);
                LogMigrated(logger, context.ContextType.Name, pending);
            }

            var platform = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            if (database.ProviderKind == DatabaseProvider.Sqlite)
            {
                // WAL lets readers go on while one writer commits; the setting persists in the file.
                await platform.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            await platform.Database.OpenConnectionAsync(cancellationToken);
            await AuditChainHeads.EnsureAsync(
                platform.Database.GetDbConnection(), null, Enumerable.Range(0, auditTrail.Chains), cancellationToken);

            // After every migration: reference data may live in any module's tables.
            foreach (var seeder in seeders)
            {
                await using var seedScope = services.CreateAsyncScope();
                await seeder.SeedAsync(seedScope.ServiceProvider, cancellationToken);
            }
        }
        catch (NpgsqlException ex)
        {
            throw new DatabaseUnavailableException(
                $"cannot use PostgreSQL at {DescribePostgres(database.EffectiveConnectionString)} " +
                $"(check ConnectionStrings__Dinh): {ex.Message}", ex);
        }
        catch (SqliteException ex)
        {
            throw new DatabaseUnavailableException(
                $"cannot open the SQLite database '{new SqliteConnectionStringBuilder(database.EffectiveConnectionString).DataSource}' " +
                $"(check ConnectionStrings__Dinh): {ex.Message}", ex);
        }
    }

    /// <summary>Host, port and database only: the password never reaches a log or a terminal.</summary>
    public static string DescribePostgres(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "(unparseable connection string)";
        }
    }

    private static void PrepareSqliteFile(string connectionString)
    {
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory) && path != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database context {Context} migrated ({Pending} migrations applied)")]
    private static partial void LogMigrated(ILogger logger, string context, int pending);
}
