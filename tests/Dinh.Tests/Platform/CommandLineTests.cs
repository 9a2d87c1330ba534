using Dinh.Tests.Infrastructure;

namespace Dinh.Tests.Platform;

/// <summary>The `dinh` executable as an operator meets it: help on every verb, one clear line for bad configuration.</summary>
public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    [Theory]
    [InlineData("--help")]
    [InlineData("serve", "--help")]
    [InlineData("db", "--help")]
    [InlineData("db", "migrate", "--help")]
    [InlineData("audit", "verify", "--help")]
    public async Task Every_verb_has_help(params string[] args)
    {
        var result = await DinhApp.RunDinhAsync(NoSettings, args);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_help_lists_the_verbs()
    {
        var result = await DinhApp.RunDinhAsync(NoSettings, "--help");

        Assert.Contains("serve", result.Output, StringComparison.Ordinal);
        Assert.Contains("db", result.Output, StringComparison.Ordinal);
        Assert.Contains("audit", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_database_provider_stops_the_server_with_one_line_naming_the_setting()
    {
        var result = await DinhApp.RunDinhAsync(new Dictionary<string, string> { ["Dinh__Database__Provider"] = "Oracle" }, "serve");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dinh: configuration error:", line, StringComparison.Ordinal);
        Assert.Contains("Dinh__Database__Provider", line, StringComparison.Ordinal);
        Assert.Contains("'Oracle'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSQL_without_a_connection_string_is_a_configuration_error()
    {
        var result = await DinhApp.RunDinhAsync(new Dictionary<string, string> { ["Dinh__Database__Provider"] = "Postgres" }, "db", "migrate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ConnectionStrings__Dinh", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_PostgreSQL_at_start_is_one_line_without_the_password_or_a_stack_trace()
    {
        var result = await DinhApp.RunDinhAsync(new Dictionary<string, string>
        {
            ["Dinh__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Dinh"] = "Host=127.0.0.1;Port=1;Database=dinh;Username=dinh;Password=s3cret-pw;Timeout=3",
            ["Urls"] = "http://127.0.0.1:0",
        }, "serve");

        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("dinh: cannot use PostgreSQL at 127.0.0.1:1/dinh", line, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Dinh", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", result.Error + result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_HTTP_on_a_public_address_is_refused_outside_Development()
    {
        var result = await DinhApp.RunDinhAsync(new Dictionary<string, string> { ["Urls"] = "http://0.0.0.0:5999" }, "serve");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("plain HTTP on a non-loopback address", result.Error, StringComparison.Ordinal);
    }
}
