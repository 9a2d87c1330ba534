using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

// Load client of bench/run-services.sh; every request goes through Dinh's HTTP API as a signed-in person.
// Dinh.ServicesBench hash --password P
//   Prints a hash made by Dinh's own hasher (Argon2id with its default parameters, ADR 0022) for the seeded accounts.
// Dinh.ServicesBench run --url URL --citizens FILE --password P --officers FILE --dossiers N --bundles B --clients C --unit CODE
//   FILE of citizens: one personal ID number per line (each with a citizen account and a permanent residence).
//   FILE of officers: `login password totp-key` per line, one per agency of the birth bundle.
//   1. signs every citizen in through the login form (not measured);
//   2. submits N dossiers (criminal-record certificate requests, round robin over the citizens), C at a time:
//      dossiers/s and the submission latency (p50/p95/p99). Judicial records is not an agency of the birth bundle, so
//      these dossiers stay out of the queues the officers work in step 3;
//   3. submits B birth bundles (one per citizen) and lets each officer process their agency's queue (accept, approve)
//      until every step of every bundle is approved: bundles/s over the whole phase.
// Prints `RESULT <phase> key=value…` lines; any answer other than the expected one counts as an error and the first
// of each kind is printed.
return args switch
{
    ["hash", .. var rest] => Hash(Options(rest)),
    ["run", .. var rest] => await RunAsync(Options(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Dinh.ServicesBench hash --password P");
    Console.Error.WriteLine("       Dinh.ServicesBench run --url URL --citizens FILE --password P --officers FILE --dossiers N --bundles B --clients C --unit CODE");
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

static int Hash(Dictionary<string, string> o)
{
    using var hasher = new Dinh.Identity.Accounts.Argon2idPasswordHasher<object>(
        Microsoft.Extensions.Options.Options.Create(new Dinh.Identity.Accounts.PasswordHashOptions()),
        Microsoft.Extensions.Options.Options.Create(Dinh.Identity.IdentitySetup.HasherOptions));
    Console.WriteLine(hasher.HashPassword(new object(), o["password"]));
    return 0;
}

static async Task<int> RunAsync(Dictionary<string, string> o)
{
    var baseUri = new Uri(o["url"]);
    var password = o["password"];
    var citizens = (await File.ReadAllLinesAsync(o["citizens"])).Where(l => l.Length > 0).ToArray();
    var officers = (await File.ReadAllLinesAsync(o["officers"])).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToArray();
    var dossiers = int.Parse(o["dossiers"], CultureInfo.InvariantCulture);
    var bundles = int.Parse(o["bundles"], CultureInfo.InvariantCulture);
    var clients = int.Parse(o["clients"], CultureInfo.InvariantCulture);
    var unit = o["unit"];
    if (bundles > citizens.Length)
    {
        Console.Error.WriteLine($"run: {bundles} bundles need as many citizens, {citizens.Length} given");
        return 2;
    }

    // One connection pool for every request; each person's session travels in an explicit Cookie header.
    using var handler = new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
    using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    var errors = new Errors();

    var clock = Stopwatch.StartNew();
    var sessions = new string[citizens.Length];
    await Parallel.ForEachAsync(Enumerable.Range(0, citizens.Length), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, ct) =>
    {
        sessions[i] = await SignInAsync(baseUri, citizens[i], password, null, ct);
    });
    Console.WriteLine(FormattableString.Invariant($"RESULT sign-in citizens={citizens.Length} seconds={clock.Elapsed.TotalSeconds:F1}"));

    // Phase 2: dossiers.
    var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(7)).DateTime);
    var latencies = new double[dossiers];
    var created = 0;
    clock.Restart();
    await Parallel.ForEachAsync(Enumerable.Range(0, dossiers), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, ct) =>
    {
        var who = i % citizens.Length;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/services/dossiers")
        {
            Content = JsonContent.Create(new
            {
                procedureCode = "criminal-record-certificate",
                idempotencyKey = $"bench-record-{i}",
                fields = new Dictionary<string, string> { ["purposeOfUse"] = Purposes[i % Purposes.Length], ["unitCode"] = unit },
            }),
        };
        request.Headers.Add("Cookie", sessions[who]);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode == HttpStatusCode.Created)
        {
            Interlocked.Increment(ref created);
        }
        else
        {
            errors.Add($"submit {(int)response.StatusCode}", body);
        }
    });
    var submitSeconds = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    Console.WriteLine(FormattableString.Invariant(
        $"RESULT dossiers count={created} seconds={submitSeconds:F2} per_s={created / submitSeconds:F1} p50_ms={Percentile(latencies, 0.50):F1} p95_ms={Percentile(latencies, 0.95):F1} p99_ms={Percentile(latencies, 0.99):F1} errors={dossiers - created} clients={clients}"));

    // Phase 3: birth bundles, submitted by the citizens while the three agencies' officers work their queues.
    var officerSessions = new List<(string Login, string Cookie)>();
    foreach (var officer in officers)
    {
        officerSessions.Add((officer[0], await SignInAsync(baseUri, officer[0], officer[1], Totp(officer[2]), CancellationToken.None)));
    }
    clock.Restart();
    var submitted = 0;
    var submitting = Parallel.ForEachAsync(Enumerable.Range(0, bundles), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, clients / 2) }, async (i, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/services/bundles")
        {
            Content = JsonContent.Create(new
            {
                procedureCode = "bundle-birth",
                idempotencyKey = $"bench-birth-{i}",
                fields = new Dictionary<string, string>
                {
                    ["childFullName"] = $"Nguyễn Văn {Names[i % Names.Length]}",
                    ["childDateOfBirth"] = today.AddDays(-(i % 20) - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["childSex"] = i % 2 == 0 ? "male" : "female",
                    ["birthplace"] = "Bệnh viện Phụ sản Hà Nội",
                    ["registrationUnitCode"] = unit,
                },
            }),
        };
        request.Headers.Add("Cookie", sessions[i]);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            Interlocked.Increment(ref submitted);
        }
        else
        {
            errors.Add($"bundle {(int)response.StatusCode}", await response.Content.ReadAsStringAsync(ct));
        }
    });
    var approvals = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("timeout", "1800"), CultureInfo.InvariantCulture)));
    // Each officer is done after one approval per bundle that was accepted (all of them, unless submissions failed).
    var expected = new System.Runtime.CompilerServices.StrongBox<int>(bundles);
    var working = officerSessions.Select(s => WorkQueueAsync(http, s.Login, s.Cookie, expected, approvals, errors, stop.Token)).ToList();
    await submitting;
    Volatile.Write(ref expected.Value, submitted);
    var submitBundleSeconds = clock.Elapsed.TotalSeconds;
    try
    {
        await Task.WhenAll(working);
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("run: the officers did not finish before --timeout");
    }
    var bundleSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant(
        $"RESULT bundles submitted={submitted} submit_seconds={submitBundleSeconds:F2} seconds={bundleSeconds:F2} approvals={string.Join(',', approvals.OrderBy(a => a.Key).Select(a => $"{a.Key}:{a.Value}"))} errors={errors.Count}"));
    errors.Print();
    return 0;
}

// An officer's loop: read the queue, accept and approve each dossier in it, until `expected` approvals are done.
static async Task WorkQueueAsync(HttpClient http, string login, string cookie, System.Runtime.CompilerServices.StrongBox<int> expected,
    ConcurrentDictionary<string, int> approvals, Errors errors, CancellationToken ct)
{
    approvals[login] = 0;
    while (approvals[login] < Volatile.Read(ref expected.Value))
    {
        ct.ThrowIfCancellationRequested();
        using var queueRequest = new HttpRequestMessage(HttpMethod.Get, "/api/services/officer/queue");
        queueRequest.Headers.Add("Cookie", cookie);
        using var queueResponse = await http.SendAsync(queueRequest, ct);
        if (queueResponse.StatusCode != HttpStatusCode.OK)
        {
            errors.Add($"queue {(int)queueResponse.StatusCode}", await queueResponse.Content.ReadAsStringAsync(ct));
            await Task.Delay(500, ct);
            continue;
        }
        var queue = await queueResponse.Content.ReadFromJsonAsync<JsonElement>(ct);
        var items = queue.EnumerateArray().Where(d => d.GetProperty("bundleId").ValueKind == JsonValueKind.String).ToList();
        if (items.Count == 0)
        {
            // The next steps are the bundle worker's: wait for it to open them.
            await Task.Delay(200, ct);
            continue;
        }
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (item, token) =>
        {
            var id = item.GetProperty("id").GetGuid();
            var version = item.GetProperty("version").GetInt32();
            if (item.GetProperty("status").GetString() == "Submitted")
            {
                var (accepted, acceptedVersion) = await DecideAsync(http, cookie, id, "accept", version, errors, token);
                if (!accepted)
                {
                    return;
                }
                version = acceptedVersion;
            }
            var (approved, _) = await DecideAsync(http, cookie, id, "approve", version, errors, token);
            if (approved)
            {
                approvals.AddOrUpdate(login, 1, (_, n) => n + 1);
            }
        });
    }
}

static async Task<(bool Ok, int Version)> DecideAsync(HttpClient http, string cookie, Guid id, string action, int version, Errors errors, CancellationToken ct)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/services/officer/dossiers/{id}/{action}") { Content = JsonContent.Create(new { version }) };
    request.Headers.Add("Cookie", cookie);
    using var response = await http.SendAsync(request, ct);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        errors.Add($"{action} {(int)response.StatusCode}", await response.Content.ReadAsStringAsync(ct));
        return (false, 0);
    }
    var dossier = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    return (true, dossier.GetProperty("version").GetInt32());
}

// The login form as a browser fills it: GET (antiforgery cookie + token), POST; a 302 carries the session cookie.
static async Task<string> SignInAsync(Uri baseUri, string login, string password, string? code, CancellationToken ct)
{
    var jar = new CookieContainer();
    using var handler = new SocketsHttpHandler { CookieContainer = jar, AllowAutoRedirect = false };
    using var http = new HttpClient(handler) { BaseAddress = baseUri };
    var page = await http.GetStringAsync(new Uri("/account/login", UriKind.Relative), ct);
    var token = TokenPattern().Match(page) is { Success: true } m ? m.Groups[1].Value
        : throw new InvalidOperationException("no __RequestVerificationToken in the login form");
    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["Login"] = login, ["password"] = password, ["code"] = code ?? "", ["ReturnUrl"] = "", ["__RequestVerificationToken"] = token,
    });
    using var answer = await http.PostAsync(new Uri("/account/login", UriKind.Relative), form, ct);
    if (answer.StatusCode != HttpStatusCode.Redirect)
    {
        throw new InvalidOperationException($"signing in as {login} answered {(int)answer.StatusCode}");
    }
    return jar.GetCookieHeader(baseUri);
}

// RFC 6238 (SHA-1, 30 s, 6 digits) from a base32 key, as an authenticator app computes it.
static string Totp(string base32)
{
    const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    var bits = 0;
    var value = 0;
    var key = new List<byte>();
    foreach (var c in base32.TrimEnd('=').ToUpperInvariant())
    {
        value = (value << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
        bits += 5;
        if (bits >= 8)
        {
            key.Add((byte)(value >> (bits - 8)));
            bits -= 8;
        }
    }
    var counter = BitConverter.GetBytes(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 30);
    if (BitConverter.IsLittleEndian)
    {
        Array.Reverse(counter);
    }
    // SHA-1 is what RFC 6238 and every authenticator app use for TOTP; here it only computes the officer's code.
#pragma warning disable CA5350
    var hash = HMACSHA1.HashData(key.ToArray(), counter);
#pragma warning restore CA5350
    var offset = hash[^1] & 15;
    var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
    return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

internal static partial class Program
{
    private static readonly string[] Purposes = ["Xin việc làm", "Du học", "Bổ sung hồ sơ cán bộ", "Xuất khẩu lao động"];

    private static readonly string[] Names = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Ngọc", "Phúc", "Quang", "Sơn", "Thảo", "Vy"];

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>Counts failures by kind and keeps the first body of each, so a failing run says why.</summary>
internal sealed class Errors
{
    private readonly ConcurrentDictionary<string, (int Count, string First)> kinds = new(StringComparer.Ordinal);

    public int Count => kinds.Values.Sum(k => k.Count);

    public void Add(string kind, string body) => kinds.AddOrUpdate(kind, (1, body.Length > 400 ? body[..400] : body), (_, k) => (k.Count + 1, k.First));

    public void Print()
    {
        foreach (var (kind, (count, first)) in kinds)
        {
            Console.Error.WriteLine($"error {kind} x{count}: {first}");
        }
    }
}
