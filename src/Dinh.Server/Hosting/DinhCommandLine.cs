using System.CommandLine;
using System.Data.Common;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Dinh.Registry.Cli;
using Microsoft.Extensions.Options;

namespace Dinh.Server.Hosting;

/// <summary>
/// The verbs of <c>dinh</c>. Anything that is not a verb (no arguments, or host options such as <c>--urls</c>)
/// means <c>serve</c>, so <c>dotnet run</c> and WebApplicationFactory start the server unchanged.
/// </summary>
public static class DinhCommandLine
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int ConfigurationError = 2;
    public const int DatabaseUnavailable = 3;

    // Verbs build the same application as `serve` (one composition) but never start it; their output is theirs alone.
    private static readonly string[] QuietHost =
    [
        "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=None", "--Logging:Console:FormatterName=simple",
    ];

    public static async Task<int> RunAsync(string[] args, Func<string[], WebApplication> buildApp)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = new RootCommand("Dinh: national population registry, electronic identification and public services.");

        var serve = new Command("serve", "Run the server (the default). Host options pass through: --urls, --environment, " +
            "--Dinh:Database:Provider=Postgres, --ConnectionStrings:Dinh=…; or set them as environment variables (Dinh__Database__Provider).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction((result, cancellationToken) => ServeAsync(buildApp, [.. result.UnmatchedTokens]));
        root.Subcommands.Add(serve);

        var db = new Command("db", "Database operations.");
        var migrate = new Command("migrate", "Apply every module's migrations to the configured database, then exit.");
        migrate.SetAction((_, cancellationToken) => WithAppAsync(buildApp, async app =>
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            Console.Out.WriteLine($"Database migrated: {DescribeDatabase(app)}.");
            return Ok;
        }));
        db.Subcommands.Add(migrate);
        root.Subcommands.Add(db);

        var audit = new Command("audit", "Audit trail operations.");
        var verify = new Command("verify", "Recompute the audit trail's hash chains; name every edited, inserted or deleted row. " +
            "Exit code 0 when intact, 1 when tampered.");
        var showHeads = new Option<bool>("--heads") { Description = "Print each chain's head hash, to record outside the database." };
        verify.Options.Add(showHeads);
        verify.SetAction((result, cancellationToken) => WithAppAsync(buildApp, async app =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var verifier = scope.ServiceProvider.GetRequiredService<AuditVerifier>();
            var progress = new Progress<long>(n => Console.Error.Write($"\rchecked {n:N0} records"));
            var verification = await verifier.VerifyAsync(progress, cancellationToken);
            Console.Error.WriteLine();
            return AuditReport.Print(verification, result.GetValue(showHeads));
        }));
        audit.Subcommands.Add(verify);
        root.Subcommands.Add(audit);

        VerbRunner run = (verb, cancellationToken) => WithAppAsync(buildApp, app => verb(app.Services, cancellationToken));
        foreach (var command in RegistryCommands.Create(run))
        {
            root.Subcommands.Add(command);
        }
        foreach (var command in Dinh.Identity.Cli.IdentityCommands.Create(run))
        {
            root.Subcommands.Add(command);
        }
        foreach (var command in Dinh.Exchange.Cli.ExchangeCommands.Create(run))
        {
            root.Subcommands.Add(command);
        }

        var isVerb = args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h" or "-?" or "--version");
        var parsed = root.Parse(isVerb ? args : ["serve", .. args]);
        return await parsed.InvokeAsync();
    }

    private static async Task<int> ServeAsync(Func<string[], WebApplication> buildApp, string[] hostArgs) =>
        await GuardAsync(async () =>
        {
            await using var app = buildApp(hostArgs);
            TransportSecurity.Check(app);
            var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.MigrateOnStart)
            {
                await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            }
            app.Lifetime.ApplicationStarted.Register(() => Banner.Print(app, DescribeDatabase(app)));
            await app.RunAsync();
            return Ok;
        });

    private static Task<int> WithAppAsync(Func<string[], WebApplication> buildApp, Func<WebApplication, Task<int>> verb) =>
        GuardAsync(async () =>
        {
            await using var app = buildApp(QuietHost);
            return await verb(app);
        });

    /// <summary>Configuration and connection problems end the process with one line naming the setting, not a stack trace.</summary>
    private static async Task<int> GuardAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"dinh: configuration error: {string.Join(" ", ex.Failures)}");
            return ConfigurationError;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several settings wrong at once (the host validates every options class at start): still one line.
            var failures = ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures);
            await Console.Error.WriteLineAsync($"dinh: configuration error: {string.Join(" ", failures)}");
            return ConfigurationError;
        }
        catch (TransportSecurityException ex)
        {
            await Console.Error.WriteLineAsync($"dinh: configuration error: {ex.Message}");
            return ConfigurationError;
        }
        catch (DatabaseUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"dinh: {ex.Message}");
            return DatabaseUnavailable;
        }
        catch (DbException ex)
        {
            // A verb other than migrate met a database it cannot use (unreachable, or not migrated yet).
            await Console.Error.WriteLineAsync(
                $"dinh: the database cannot be used (check ConnectionStrings__Dinh, then run `dinh db migrate`): {ex.Message}");
            return DatabaseUnavailable;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"dinh: cannot listen (check --urls or the Urls setting): {ex.Message}");
            return ConfigurationError;
        }
    }

    internal static string DescribeDatabase(WebApplication app)
    {
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        return database.ProviderKind switch
        {
            DatabaseProvider.Sqlite => $"SQLite, {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.EffectiveConnectionString).DataSource}",
            DatabaseProvider.Postgres => $"PostgreSQL, {DatabaseMigrator.DescribePostgres(database.EffectiveConnectionString)}",
            _ => database.Provider,
        };
    }
}
