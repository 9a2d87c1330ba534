using Dinh.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dinh.Tests.Browser;

/// <summary>
/// Dinh on SQLite plus Debian's Chromium driven by Playwright. Never `playwright install`: it downloads, and the
/// build machines have no internet. Without Chromium the browser tests are skipped with the reason.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public const string ChromiumVariable = "DINH_CHROMIUM";

    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path
        ? path
        : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public SqliteApp App { get; } = new();

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (Environment.GetEnvironmentVariable("DINH_REQUIRE_BROWSER") == "1")
            {
                throw new InvalidOperationException($"DINH_REQUIRE_BROWSER=1 but Chromium is not at {ChromiumPath}.");
            }
            SkipReason = $"Chromium not found at {ChromiumPath} (apt-get install chromium, or set {ChromiumVariable}); CI installs it.";
            return;
        }
        await App.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh browser context (no cookies) at the given size, skipping the test if Chromium is absent.</summary>
    public async Task<BrowserPage> OpenAsync(int width = 1280, int height = 800)
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });
        var page = await context.NewPageAsync();
        return new BrowserPage(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>A page that records every console error, page error and failed request, for "no errors" assertions.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    public BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _errors.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => _errors.Add($"request failed: {request.Url} {request.Failure}");
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors => _errors;

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
