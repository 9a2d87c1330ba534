using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Persistence;

/// <summary>A context whose migrations <c>dinh db migrate</c> applies, in registration order.</summary>
public sealed record MigratableContext(Type ContextType);

public static class PersistenceSetup
{
    public const string SqliteMigrationsAssembly = "Dinh.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Dinh.Migrations.Postgres";

    internal static IServiceCollection AddDinhPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure(options =>
            {
                configuration.GetSection(DatabaseOptions.Section).Bind(options);
                options.ConnectionString ??= configuration.GetConnectionString("Dinh");
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.Chains is >= 1 and <= 1024, "Dinh:Audit:Chains (env Dinh__Audit__Chains) must be between 1 and 1024.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AuditTrail(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AuditOptions>>().Value.Chains));

        services.AddDinhDbContext<PlatformDbContext>();
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    /// <summary>Registers a module's context on the configured provider and adds it to <c>dinh db migrate</c>.</summary>
    public static IServiceCollection AddDinhDbContext<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        // Pooled: a request leases a context already set up (EF Core resets it when it goes back), instead of building
        // one and its internal service scope for every context a request opens (docs/performance.md, "Request pipeline").
        // The options are built once: they depend on configuration only, and carry the audit trail.
        services.AddDbContextPool<TContext>((sp, options) => options
            .UseDinhDatabase(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value)
            .UseAuditTrail(sp.GetRequiredService<AuditTrail>()));
        services.AddSingleton(new MigratableContext(typeof(TContext)));
        return services;
    }

    public static DbContextOptionsBuilder<TContext> UseDinhDatabase<TContext>(this DbContextOptionsBuilder<TContext> options, DatabaseOptions database)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)UseDinhDatabase((DbContextOptionsBuilder)options, database);

    public static DbContextOptionsBuilder UseDinhDatabase(this DbContextOptionsBuilder options, DatabaseOptions database)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        _ = database.ProviderKind switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(
                database.EffectiveConnectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly)),
            DatabaseProvider.Postgres => options.UseNpgsql(
                database.EffectiveConnectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)),
            _ => throw new InvalidOperationException($"Unhandled provider {database.ProviderKind}."),
        };
        return options.UseSnakeCaseNamingConvention();
    }
}
