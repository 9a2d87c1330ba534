using Npgsql;

namespace Dinh.Tests.Infrastructure;

/// <summary>A fresh, empty database for one fixture; dropped at the end.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "DINH_TEST_POSTGRES";

    public abstract string Provider { get; }
    public abstract string ConnectionString { get; }

    public abstract ValueTask DisposeAsync();

    public static TestDatabase CreateSqlite() => new SqliteDatabase();

    /// <summary>Null when DINH_TEST_POSTGRES is not set: the PostgreSQL suite is then skipped, never run on SQLite instead.</summary>
    /// <param name="server">Another PostgreSQL server than DINH_TEST_POSTGRES's (a fault test's own cluster).</param>
    public static async Task<TestDatabase?> CreatePostgresAsync(string? server = null)
    {
        server ??= Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            return null;
        }
        var name = $"dinh_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresDatabase(server, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString, name);
    }

    private sealed class SqliteDatabase : TestDatabase
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("dinh-test-").FullName;

        public override string Provider => "Sqlite";
        public override string ConnectionString => $"Data Source={Path.Combine(_directory, "dinh.db")}";

        public override ValueTask DisposeAsync()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finishing server; the temp directory is cleaned by the OS.
            }
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresDatabase(string server, string connectionString, string name) : TestDatabase
    {
        public override string Provider => "Postgres";
        public override string ConnectionString => connectionString;

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
