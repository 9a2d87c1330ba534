using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Tests.Platform;

/// <summary>Each provider's migrations project holds a migration for every model change (no database needed).</summary>
public sealed class ModelTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=model-check.db")]
    [InlineData(DatabaseProvider.Postgres, "Host=127.0.0.1;Database=model_check")]
    public void Each_providers_migrations_match_the_model(DatabaseProvider provider, string connectionString)
    {
        var trail = new AuditTrail(TimeProvider.System, 1);
        var options = (DbContextOptions<PlatformDbContext>)new DbContextOptionsBuilder<PlatformDbContext>()
            .UseDinhDatabase(new DatabaseOptions { Provider = provider.ToString(), ConnectionString = connectionString })
            .UseAuditTrail(trail)
            .Options;
        var registryOptions = (DbContextOptions<RegistryDbContext>)new DbContextOptionsBuilder<RegistryDbContext>()
            .UseDinhDatabase(new DatabaseOptions { Provider = provider.ToString(), ConnectionString = connectionString })
            .UseAuditTrail(trail)
            .Options;
        using var platform = new PlatformDbContext(options);
        using var registry = new RegistryDbContext(registryOptions);

        foreach (DbContext db in new DbContext[] { platform, registry })
        {
            Assert.NotEmpty(db.Database.GetMigrations());
            Assert.False(db.Database.HasPendingModelChanges(),
                $"{provider} {db.GetType().Name}: the model has changes without a migration; run dotnet run --project src/Dinh.Migrations.Designer -- add <Name>");
        }
    }

    [Theory]
    [InlineData("Host=db;Database=dinh", 64)]
    [InlineData("Host=db;Database=dinh;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=dinh;MaxAutoPrepare=10", 10)]
    public void PostgreSQL_prepares_repeated_statements_unless_the_connection_string_says_otherwise(string connectionString, int prepared)
    {
        var effective = new DatabaseOptions { Provider = "Postgres", ConnectionString = connectionString }.EffectiveConnectionString;

        Assert.Equal(prepared, new Npgsql.NpgsqlConnectionStringBuilder(effective).MaxAutoPrepare);
        Assert.Equal("db", new Npgsql.NpgsqlConnectionStringBuilder(effective).Host);
    }

    [Theory]
    [InlineData("Host=db;Database=dinh", true)]
    [InlineData("Host=db;Database=dinh;No Reset On Close=false", false)]
    [InlineData("Host=db;Database=dinh;NoResetOnClose=false", false)]
    public void PostgreSQL_connections_go_back_to_the_pool_without_a_reset_unless_the_connection_string_says_otherwise(string connectionString, bool noReset)
    {
        var effective = new DatabaseOptions { Provider = "Postgres", ConnectionString = connectionString }.EffectiveConnectionString;

        Assert.Equal(noReset, new Npgsql.NpgsqlConnectionStringBuilder(effective).NoResetOnClose);
    }
}
