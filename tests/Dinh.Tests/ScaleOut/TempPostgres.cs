using System.Diagnostics;

namespace Dinh.Tests.ScaleOut;

/// <summary>
/// A PostgreSQL cluster of a fault test's own (initdb in a temporary directory, a free loopback port), so the test can
/// stop and start it without touching the suite's shared server. Run as the <c>postgres</c> user when the tests run
/// as root (PostgreSQL refuses root), as .ci/postgres.sh does. Removed by <see cref="DisposeAsync"/>.
/// </summary>
public sealed class TempPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly string? _runAs;

    private TempPostgres(string bin, string directory, string? runAs, int port)
    {
        _bin = bin;
        _directory = directory;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=dinh;Database=postgres";

    /// <summary>Null when the PostgreSQL server binaries are not installed.</summary>
    public static async Task<TempPostgres?> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            return null;
        }
        var directory = Directory.CreateTempSubdirectory("dinh-pg-fault-").FullName;
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var server = new TempPostgres(bin, directory, runAs, DinhProcess.FreePort());
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", [runAs, directory]);
            }
            await server.RunPgAsync("initdb", ["-D", server.Data, "-U", "dinh", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
            await server.StartServerAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private string Data => Path.Combine(_directory, "data");

    public Task StartServerAsync() => RunPgAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o",
        $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c max_connections=200 -c shared_buffers=64MB", "start"]);

    /// <summary><c>pg_ctl stop -m fast</c>: open sessions are terminated, as in a failover or a restart for maintenance.</summary>
    public Task StopServerAsync() => RunPgAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "-t", "60", "stop"]);

    private Task RunPgAsync(string tool, IEnumerable<string> args) =>
        _runAs is null
            ? RunAsync(Path.Combine(_bin, tool), args)
            : RunAsync("runuser", ["-u", _runAs, "--", Path.Combine(_bin, tool), .. args]);

    private static async Task RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "-t", "30", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
