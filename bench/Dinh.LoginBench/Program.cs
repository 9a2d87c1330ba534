using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dinh.Identity;
using Dinh.Identity.Accounts;
using Microsoft.AspNetCore.Identity;

// dinh-login-bench hash  --seconds S [--threads N] [--memory-kib 47104] [--passes 1]
//   N threads (default: the CPU count) verify one password hash for S seconds, with the hasher Dinh's server uses
//   (Argon2idPasswordHasher, ADR 0022) and the same parameters (defaults: PasswordHashOptions').
// dinh-login-bench login --url http://127.0.0.1:PORT --login L --password P --seconds S [--clients C]
//   C clients, each a fresh session per login: GET /account/login (antiforgery cookie + form token), then POST the
//   form; success is a 302. Everything else is counted and the first such body is printed.
// Both print one line `RESULT <mode> count=… seconds=… per_s=… cpu_s=… errors=…` (cpu_s: this process's CPU time).
return args switch
{
    ["hash", .. var rest] => Hash(Options(rest)),
    ["login", .. var rest] => await LoginAsync(Options(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Dinh.LoginBench hash --seconds S [--threads N] [--memory-kib 47104] [--passes 1]");
    Console.Error.WriteLine("       Dinh.LoginBench login --url URL --login L --password P --seconds S [--clients C]");
    return 2;
}

static Dictionary<string, string> Options(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i].TrimStart('-')] = args[i + 1];
    }
    return options;
}

static int Int(Dictionary<string, string> o, string name, int fallback) =>
    o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

static int Hash(Dictionary<string, string> o)
{
    var seconds = Int(o, "seconds", 10);
    var threads = Int(o, "threads", Environment.ProcessorCount);
    var defaults = new PasswordHashOptions();
    using var hasher = new Argon2idPasswordHasher<object>(
        Microsoft.Extensions.Options.Options.Create(new PasswordHashOptions
        {
            MemoryKiB = Int(o, "memory-kib", defaults.MemoryKiB),
            Passes = Int(o, "passes", defaults.Passes),
            MaxConcurrent = threads,
        }),
        Microsoft.Extensions.Options.Options.Create(IdentitySetup.HasherOptions));
    const string password = "cong-dan-demo-2026";
    var hash = hasher.HashPassword(new object(), password);
    if (hasher.VerifyHashedPassword(new object(), hash, password) != PasswordVerificationResult.Success)
    {
        Console.Error.WriteLine("hash: the hasher does not verify its own hash");
        return 1;
    }
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var counts = new long[threads];
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (hasher.VerifyHashedPassword(new object(), hash, password) == PasswordVerificationResult.Success)
            {
                counts[t]++;
            }
        }
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    var elapsed = clock.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    var count = counts.Sum();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT hash count={count} seconds={elapsed:F2} per_s={count / elapsed:F2} cpu_s={cpu:F2} threads={threads} errors=0"));
    return 0;
}

static async Task<int> LoginAsync(Dictionary<string, string> o)
{
    var baseUrl = new Uri(o["url"]);
    var login = o["login"];
    var password = o["password"];
    var seconds = Int(o, "seconds", 10);
    var clients = Int(o, "clients", 4);
    // No cookie container: each login is a new visitor, with only the antiforgery cookie from its own GET.
    using var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = clients };
    using var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    var clock = Stopwatch.StartNew();
    long ok = 0, errors = 0;
    var latencies = new List<double>();
    string? firstError = null;
    var gate = new object();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

    async Task Client()
    {
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var started = clock.Elapsed.TotalMilliseconds;
            var (success, error) = await OneLoginAsync(http, login, password);
            var took = clock.Elapsed.TotalMilliseconds - started;
            lock (gate)
            {
                if (success)
                {
                    ok++;
                    latencies.Add(took);
                }
                else
                {
                    errors++;
                    firstError ??= error;
                }
            }
        }
    }

    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client)));
    var elapsed = clock.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    latencies.Sort();
    double P(double q) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
    if (firstError is not null)
    {
        Console.Error.WriteLine($"login: first failure: {firstError}");
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT login count={ok} seconds={elapsed:F2} per_s={ok / elapsed:F2} cpu_s={cpu:F2} clients={clients} p50_ms={P(0.5):F0} p99_ms={P(0.99):F0} errors={errors}"));
    return errors == 0 && ok > 0 ? 0 : 1;
}

static async Task<(bool Success, string? Error)> OneLoginAsync(HttpClient http, string login, string password)
{
    try
    {
        using var page = await http.GetAsync(new Uri("/account/login", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK)
        {
            return (false, $"GET /account/login {(int)page.StatusCode}: {Trim(html)}");
        }
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        if (!token.Success)
        {
            return (false, "GET /account/login: no __RequestVerificationToken in the form");
        }
        var cookies = page.Headers.TryGetValues("Set-Cookie", out var set)
            ? string.Join("; ", set.Select(c => c.Split(';', 2)[0])) : "";
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri("/account/login", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Login"] = login,
                ["password"] = password,
                ["code"] = "",
                ["ReturnUrl"] = "",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            }),
        };
        post.Headers.TryAddWithoutValidation("Cookie", cookies);
        using var answer = await http.SendAsync(post);
        if (answer.StatusCode != HttpStatusCode.Redirect)
        {
            return (false, $"POST /account/login {(int)answer.StatusCode}: {Trim(await answer.Content.ReadAsStringAsync())}");
        }
        return (true, null);
    }
    catch (HttpRequestException e)
    {
        return (false, e.Message);
    }
    catch (TaskCanceledException e)
    {
        return (false, e.Message);
    }
}

static string Trim(string body)
{
    var text = Regex.Replace(body, "<[^>]+>", " ");
    text = Regex.Replace(text, @"\s+", " ").Trim();
    return text.Length > 400 ? text[..400] : text;
}
