using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Infrastructure;

/// <summary>
/// A running Dinh on its own fresh database, with intent methods for the tests. One per provider:
/// <see cref="SqliteApp"/> always, <see cref="PostgresApp"/> when DINH_TEST_POSTGRES is set (CI always sets it).
/// </summary>
public abstract partial class DinhApp : IAsyncLifetime
{
    private readonly List<DinhFactory> _instances = [];
    private TestDatabase? _database;

    public LogSink Logs { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public DinhFactory Factory { get; private set; } = null!;
    public string Provider => Database.Provider;
    public string ConnectionString => Database.ConnectionString;

    private TestDatabase Database => _database ?? throw new InvalidOperationException(SkipReason ?? "not started");

    /// <summary>Why the suite cannot run here, or null when it can.</summary>
    public string? SkipReason { get; private set; }

    protected abstract Task<TestDatabase?> CreateDatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        if (_database is null)
        {
            SkipReason = $"{TestDatabase.PostgresVariable} is not set: the PostgreSQL suite runs in CI (.ci/run).";
            return;
        }
        (Factory, BaseAddress) = await StartInstanceAsync(Logs);
    }

    /// <summary>Configuration every instance of this fixture starts with.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Another instance on the same database, as in a scaled-out deployment.</summary>
    /// <param name="settings">Added to (and overriding) the fixture's <see cref="Settings"/>.</param>
    public async Task<(DinhFactory Factory, Uri BaseAddress)> StartInstanceAsync(LogSink? logs = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var factory = new DinhFactory(Database.Provider, Database.ConnectionString, logs ?? new LogSink(), merged, services);
        factory.StartServer();
        _instances.Add(factory);
        // The server starts before `serve` would migrate (WebApplicationFactory stops Program.Main at Build()),
        // so the fixture migrates the way `dinh serve` does.
        await factory.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return (factory, new Uri(address));
    }

    /// <summary>Stops an instance started by <see cref="StartInstanceAsync"/> before the fixture ends.</summary>
    public async Task StopInstanceAsync(DinhFactory instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (_instances.Remove(instance))
        {
            await instance.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Skips the calling test (with the reason) when this provider is not available.</summary>
    public DinhApp Require()
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
        return this;
    }

    public HttpClient CreateClient(Uri? baseAddress = null, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = baseAddress ?? BaseAddress,
        };

    /// <summary>A page's antiforgery token, as a browser would find it in the form.</summary>
    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client, string path = "/")
    {
        var html = await client.GetStringAsync(path);
        return AntiforgeryField().Match(html) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");
    }

    public async Task<T> WithPlatformDbAsync<T>(Func<PlatformDbContext, Task<T>> work)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PlatformDbContext>());
    }

    /// <summary>Appends audit records the way a module does: added to its context, saved with its change.</summary>
    public async Task<IReadOnlyList<Guid>> RecordAuditAsync(int count, string action = "test.recorded")
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        for (var i = 0; i < count; i++)
        {
            db.Audit(new AuditEvent("officer:test", action, "testing") { Subject = $"citizen:{i}", LegalBasis = "Test" });
        }
        await db.SaveChangesAsync();
        return db.ChangeTracker.Entries<AuditRecord>().Select(e => e.Entity).OrderBy(r => r.Sequence).Select(r => r.Id).ToList();
    }

    public async Task<AuditVerification> VerifyAuditAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
    }

    /// <summary>What an attacker with database access does: SQL straight at the tables.</summary>
    public Task<int> TamperAsync(string sql, params object[] parameters) =>
        WithPlatformDbAsync(db => db.Database.ExecuteSqlRawAsync(sql, parameters));

    /// <summary>Runs the real `dinh` executable against this fixture's database.</summary>
    public Task<CliResult> RunDinhAsync(params string[] args) =>
        RunDinhAsync(new Dictionary<string, string>
        {
            ["Dinh__Database__Provider"] = Database.Provider,
            ["ConnectionStrings__Dinh"] = Database.ConnectionString,
        }, args);

    public static async Task<CliResult> RunDinhAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dinh.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

public sealed record CliResult(int ExitCode, string Output, string Error);

public sealed class SqliteApp : DinhApp
{
    protected override Task<TestDatabase?> CreateDatabaseAsync() => Task.FromResult<TestDatabase?>(TestDatabase.CreateSqlite());
}

public sealed class PostgresApp : DinhApp
{
    protected override Task<TestDatabase?> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();
}
