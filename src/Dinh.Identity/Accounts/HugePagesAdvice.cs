using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dinh.Identity.Accounts;

/// <summary>
/// Says once at start, in Production, when the host gives memory in small pages only (transparent huge pages not
/// "always"): each Argon2id hash then spends about 45 % of its time in the kernel mapping its memory, and sign-ins run
/// 1.4–1.5× slower per core than they could (docs/operations.md, "Password hashes"). Advice for the operator only:
/// nothing changes, and a host without the setting (not Linux) says nothing.
/// </summary>
internal sealed partial class HugePagesAdvice(IHostEnvironment environment, ILogger<HugePagesAdvice> logger) : IHostedService
{
    internal const string SettingPath = "/sys/kernel/mm/transparent_hugepage/enabled";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsProduction() && Mode(Read()) is { } mode && mode != "always")
        {
            SmallPages(mode);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The mode in force, the bracketed one of the kernel's "always [madvise] never"; null when none is.</summary>
    internal static string? Mode(string? setting) =>
        setting is not null && SelectedMode().Match(setting) is { Success: true } selected ? selected.Groups[1].Value : null;

    private static string? Read()
    {
        try
        {
            return File.ReadAllText(SettingPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\[([a-z+]+)\]")]
    private static partial Regex SelectedMode();

    [LoggerMessage(Level = LogLevel.Information, Message = "Transparent huge pages are '{Mode}' on this host: password hashes map their memory in 4 KiB pages, which took about 45 % of each hash on the development machine; with 'always', sign-ins ran 1.4-1.5x as fast per core (docs/operations.md, \"Password hashes\")")]
    private partial void SmallPages(string mode);
}
