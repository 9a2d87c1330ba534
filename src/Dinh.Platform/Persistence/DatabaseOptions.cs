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
    internal static string WithPostgresDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
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
