using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Identity.Seeding;
using Dinh.Tests.Infrastructure;
using Npgsql;

namespace Dinh.Tests.ScaleOut;

/// <summary>A registration code's SMS as the outbox holds it: status 1 pending, 2 sent, 3 failed, 4 dead; claims so far.</summary>
public sealed record OutboxRow(int Status, int Attempts)
{
    public const int Sent = 2;
}

/// <summary>A citizen of the demo population who can start a registration (an SMS code goes out for each try).</summary>
public sealed record RegistrableCitizen(string Number, string FullName, string DateOfBirth);

/// <summary>
/// A scaled-out deployment on loopback: one PostgreSQL database, migrated once by <c>dinh db migrate</c> (with the
/// demo population and accounts), N real <c>dinh serve</c> processes on it, a YARP proxy in front, and an SMS gateway
/// that counts deliveries. Extend it for other modules' scenarios by adding intent methods here (see
/// docs/scaling.md, "Tests"). Everything it started is stopped by <see cref="DisposeAsync"/>.
/// </summary>
public sealed partial class DinhCluster : IAsyncDisposable
{
    public const string Steward = "dulieu.quocgia";

    private readonly List<DinhProcess> _instances = [];
    private readonly Dictionary<string, string> _environment;

    private DinhCluster(TestDatabase database, SmsGateway sms, LoopbackProxy proxy, Dictionary<string, string> environment)
    {
        Database = database;
        Sms = sms;
        Proxy = proxy;
        _environment = environment;
    }

    public TestDatabase Database { get; }
    public SmsGateway Sms { get; }
    public LoopbackProxy Proxy { get; }
    public IReadOnlyList<DinhProcess> Instances => _instances;

    // The test's own reads: unpooled, so a connection left over from before a database restart is never reused.
    private string TestSide => new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString;

    /// <summary>Null when no PostgreSQL is configured (DINH_TEST_POSTGRES, or <paramref name="server"/>).</summary>
    public static async Task<DinhCluster?> StartAsync(int instances, string? server = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var database = await TestDatabase.CreatePostgresAsync(server);
        if (database is null)
        {
            return null;
        }
        SmsGateway? sms = null;
        LoopbackProxy? proxy = null;
        DinhCluster? cluster = null;
        try
        {
            sms = await SmsGateway.StartAsync();
            proxy = await LoopbackProxy.StartAsync();
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["Dinh__Database__Provider"] = "Postgres",
                ["ConnectionStrings__Dinh"] = database.ConnectionString,
                ["Dinh__Database__MigrateOnStart"] = "false",
                ["Dinh__Demo__Seed"] = "false",
                // One issuer for the whole deployment: the public address (the proxy), whichever instance answers.
                ["Dinh__Oidc__Issuer"] = proxy.Address.ToString(),
                ["Dinh__Oidc__RequireHttps"] = "false",
                ["Dinh__Messaging__Sms__Sender"] = "Http",
                ["Dinh__Messaging__Sms__Http__Url"] = sms.Address.ToString(),
                ["Dinh__Messaging__Sms__Http__BearerToken"] = SmsGateway.Token,
                ["Dinh__Messaging__PollInterval"] = "00:00:00.200",
                ["Dinh__Messaging__SendTimeout"] = "00:00:02",
                ["Dinh__Messaging__Lease"] = "00:00:05",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Dinh"] = "Information",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                environment[key] = value;
            }
            cluster = new DinhCluster(database, sms, proxy, environment);
            // Once, before any instance: the schema, the provider's first keys, the demo units, population and accounts.
            var migrated = await cluster.RunDinhAsync(new Dictionary<string, string> { ["Dinh__Demo__Seed"] = "true", ["Dinh__Demo__Accounts"] = "true" },
                "db", "migrate");
            Assert.True(migrated.ExitCode == 0, $"dinh db migrate: {migrated.ExitCode}\n{migrated.Output}\n{migrated.Error}");
            using var starting = new CancellationTokenSource(DinhProcess.StartTimeout);
            var started = await Task.WhenAll(Enumerable.Range(0, instances)
                .Select(i => DinhProcess.StartAsync(((char)('a' + i)).ToString(), environment, starting.Token)));
            cluster._instances.AddRange(started);
            proxy.Route(cluster._instances);
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                if (proxy is not null)
                {
                    await proxy.DisposeAsync();
                }
                if (sms is not null)
                {
                    await sms.DisposeAsync();
                }
                await database.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>The instances' error and warning lines (for assertion messages).</summary>
    public string Errors(int max = 30) => string.Join('\n', _instances.SelectMany(i => i.Output
        .Where(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal) || l.Contains("Unhandled", StringComparison.Ordinal))
        .Select(l => $"{i.Name}: {l}")).Take(max));

    public DinhProcess this[string name] => _instances.Single(i => i.Name == name);

    /// <summary>The real <c>dinh</c> executable on this deployment's database (a CLI verb an operator would run).</summary>
    public Task<CliResult> RunDinhAsync(params string[] args) => RunDinhAsync(new Dictionary<string, string>(), args);

    private Task<CliResult> RunDinhAsync(Dictionary<string, string> extra, params string[] args)
    {
        var environment = new Dictionary<string, string>(_environment);
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
        return DinhApp.RunDinhAsync(environment, args);
    }

    /// <summary>A browser: its own cookies, no automatic redirects, a bounded timeout.</summary>
    public static HttpClient Browser(Uri address, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Signs a demo officer in through the login form (password and TOTP) on whatever <paramref name="browser"/> points at.</summary>
    public static async Task SignInStaffAsync(HttpClient browser, string login)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/login");
        using var response = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = login, ["password"] = DemoAccounts.OfficerPassword, ["code"] = await StaffCodes.NextAsync("cluster", login),
            ["ReturnUrl"] = "", ["__RequestVerificationToken"] = token,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in as {login}: {(int)response.StatusCode}");
    }

    /// <summary>Living demo citizens aged 20 or more without an account: each registration try for one queues an SMS.</summary>
    public async Task<IReadOnlyList<RegistrableCitizen>> RegistrableCitizensAsync(int count)
    {
        await using var connection = new NpgsqlConnection(TestSide);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.personal_id_number, c.full_name, c.birth_year, c.birth_month, c.birth_day FROM citizens c " +
            "WHERE c.date_of_death IS NULL AND c.personal_id_number IS NOT NULL AND c.birth_month IS NOT NULL AND c.birth_day IS NOT NULL " +
            "AND c.birth_year <= 2000 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.citizen_id = c.id) ORDER BY c.personal_id_number LIMIT @n",
            connection);
        command.Parameters.AddWithValue("n", count);
        var citizens = new List<RegistrableCitizen>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            citizens.Add(new RegistrableCitizen(reader.GetString(0), reader.GetString(1), string.Create(CultureInfo.InvariantCulture,
                $"{reader.GetInt32(2):D4}-{reader.GetInt32(3):D2}-{reader.GetInt32(4):D2}")));
        }
        Assert.True(citizens.Count == count, $"the demo population has {citizens.Count} registrable citizens, {count} needed");
        return citizens;
    }

    /// <summary>Step 1 of self-registration through the real form; the instance queues the code's SMS in the outbox.</summary>
    public static async Task<HttpStatusCode> StartRegistrationAsync(HttpClient browser, RegistrableCitizen citizen, CancellationToken cancellationToken = default)
    {
        var token = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account/register");
        using var response = await PostRegistrationAsync(browser, citizen, token, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The registration form's post, with the antiforgery token of a form fetched before.</summary>
    public static Task<HttpResponseMessage> PostRegistrationAsync(HttpClient browser, RegistrableCitizen citizen, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(citizen);
        return browser.PostAsync(new Uri("/account/register", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Number"] = citizen.Number, ["Input.FullName"] = citizen.FullName, ["Input.DateOfBirth"] = citizen.DateOfBirth,
            ["Input.Phone"] = "+84912000111", ["Input.Email"] = "", ["__RequestVerificationToken"] = token,
        }), cancellationToken);
    }

    /// <summary>The antiforgery token in a page's form, as a browser would find it.</summary>
    public static string AntiforgeryToken(string html) =>
        AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token in the page.");

    /// <summary>The outbox as the database holds it: the messages of one kind (registration codes by default), or all.</summary>
    public async Task<IReadOnlyDictionary<Guid, OutboxRow>> OutboxAsync(string? kind = "otp.registration")
    {
        await using var connection = new NpgsqlConnection(TestSide);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, status, attempts FROM outbox_messages WHERE @kind IS NULL OR kind = @kind", connection);
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)kind ?? DBNull.Value });
        var messages = new Dictionary<Guid, OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            messages[reader.GetGuid(0)] = new OutboxRow(reader.GetInt32(1), reader.GetInt32(2));
        }
        return messages;
    }

    /// <summary>Waits (bounded) until the gateway has every queued message; returns the outbox as it then stands.</summary>
    public async Task<IReadOnlyDictionary<Guid, OutboxRow>> WaitForDeliveriesAsync(int expected, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var outbox = await OutboxAsync();
            if (outbox.Count >= expected && outbox.All(m => m.Value.Status == OutboxRow.Sent && Sms.Deliveries.ContainsKey(m.Key)))
            {
                return outbox;
            }
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"after {within}: {outbox.Count} queued (expected {expected}), {outbox.Keys.Count(Sms.Deliveries.ContainsKey)} delivered; " +
                    $"statuses {string.Join(", ", outbox.Values.GroupBy(m => m.Status).Select(g => $"{g.Key}={g.Count()}"))}");
            }
            await Task.Delay(250, CancellationToken.None);
        }
    }

    /// <summary>The <c>kid</c>s an instance publishes at <c>/.well-known/jwks</c>.</summary>
    public static async Task<IReadOnlySet<string>> KeyIdsAsync(Uri instance)
    {
        using var http = new HttpClient { BaseAddress = instance, Timeout = TimeSpan.FromSeconds(10) };
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(new Uri("/.well-known/jwks", UriKind.Relative)));
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToHashSet();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await Proxy.DisposeAsync();
        await Sms.DisposeAsync();
        await Database.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
