using Microsoft.Extensions.Options;

namespace Dinh.Platform.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from <c>Dinh:Database</c>; the connection string comes from <c>ConnectionStrings:Dinh</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Dinh:Database";
    public const string DefaultSqliteConnectionString = "Data Source=data/dinh.db";

    // A string, not the enum: a typo must produce our one-line error, not the binder's exception.
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public string? ConnectionString { get; set; }

    public bool MigrateOnStart { get; set; } = true;

    public DatabaseProvider ProviderKind =>
        Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new OptionsValidationException(Section, typeof(DatabaseOptions), [UnknownProviderMessage(Provider)]);

    public string EffectiveConnectionString => ConnectionString is { Length: > 0 } cs
        ? ProviderKind == DatabaseProvider.Postgres ? WithPostgresDefaults(cs) : cs
        : ProviderKind == DatabaseProvider.Sqlite ? DefaultSqliteConnectionString : "";

    /// <summary>Statements automatically prepared per connection when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Npgsql prepares nothing unless told to, so PostgreSQL parsed and planned every statement of every request again.
    /// Dinh's statements are few and repeated (a lookup is the same SELECT with another number), so each connection
    /// prepares the ones it has run twice (<c>Max Auto Prepare</c>, docs/performance.md). A value in the connection
    /// string wins, so <c>Max Auto Prepare=0</c> turns it off (e.g. behind a pooler in transaction mode that cannot keep
    /// prepared statements).
    /// </summary>
    /// <remarks>
    /// Also <c>No Reset On Close</c>: a connection handed back to Npgsql's pool is otherwise reset by seven statements
    /// (<c>RESET ALL</c>, <c>pg_advisory_unlock_all()</c>, <c>DISCARD TEMP</c> …) sent ahead of the next command that
    /// leases it, one extra set per request that reads the database. Dinh leaves no session state on a pooled
    /// connection to reset: its settings are <c>SET LOCAL</c> or per command, its advisory locks are transaction locks
    /// (<c>pg_advisory_xact_lock</c>), and it makes no temporary tables, holdable cursors or <c>LISTEN</c>s. An open
    /// transaction is still rolled back when a connection goes back to the pool. A value in the connection string wins.
    /// </remarks>
    internal static string WithPostgresDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(string key) => given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals(key, StringComparison.OrdinalIgnoreCase));
        if (!Given("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        if (!Given("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    internal static string UnknownProviderMessage(string value) =>
        $"Dinh:Database:Provider (env Dinh__Database__Provider) is '{value}'; expected 'Sqlite' or 'Postgres'.";
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (!Enum.TryParse<DatabaseProvider>(options.Provider, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            return ValidateOptionsResult.Fail(DatabaseOptions.UnknownProviderMessage(options.Provider));
        }
        if (kind == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "ConnectionStrings:Dinh (env ConnectionStrings__Dinh) is required when Dinh:Database:Provider is 'Postgres'.");
        }
        return ValidateOptionsResult.Success;
    }
}
