using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Tests.Platform;

/// <summary>The platform through its front door, on each database provider.</summary>
public abstract class PlatformTests(DinhApp fixture)
{
    private DinhApp App => fixture.Require();

    [Fact]
    public async Task Home_page_is_Vietnamese_by_default_even_for_an_English_browser()
    {
        using var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"vi\">", html, StringComparison.Ordinal);
        Assert.Contains("Dinh: dữ liệu dân cư và dịch vụ công trực tuyến", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Language_switch_remembers_English_in_a_cookie()
    {
        using var client = App.CreateClient();
        var token = await DinhApp.GetAntiforgeryTokenAsync(client, "/officer");

        using var switched = await client.PostAsync("/language", Form(("culture", "en"), ("returnUrl", "/officer"), ("__RequestVerificationToken", token)));
        var again = await client.GetStringAsync("/officer");

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/officer", switched.Headers.Location?.OriginalString);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Den", StringComparison.Ordinal));
        Assert.Contains("<html lang=\"en\">", again, StringComparison.Ordinal);
        Assert.Contains("<h1>Officers</h1>", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Language_switch_never_redirects_off_site()
    {
        using var client = App.CreateClient();
        var token = await DinhApp.GetAntiforgeryTokenAsync(client);

        foreach (var target in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example" })
        {
            using var response = await client.PostAsync("/language", Form(("culture", "en"), ("returnUrl", target), ("__RequestVerificationToken", token)));
            Assert.Equal("/", response.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var client = App.CreateClient();
        await client.GetStringAsync("/");

        using var response = await client.PostAsync("/language", Form(("culture", "en"), ("returnUrl", "/")));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "DINH-PLT-0006");
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".AspNetCore.Culture", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem_for_API_clients_and_a_page_for_browsers()
    {
        using var client = App.CreateClient();

        using var api = await client.GetAsync("/api/does-not-exist");
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/does-not-exist");
        pageRequest.Headers.Accept.ParseAdd("text/html");
        using var page = await client.SendAsync(pageRequest);

        await AssertProblemAsync(api, HttpStatusCode.NotFound, "DINH-PLT-0001");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("DINH-PLT-0001", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problem_details_are_in_English_when_an_API_client_asks()
    {
        using var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nothing-here");
        request.Headers.AcceptLanguage.ParseAdd("en");

        using var response = await client.SendAsync(request);
        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, "DINH-PLT-0001");

        Assert.Equal("Nothing exists at this address.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Malformed_json_wrong_content_type_and_oversized_bodies_get_their_own_problems()
    {
        using var client = App.CreateClient();

        using var malformed = await client.PostAsync("/api/csp-reports", Json("[{\"type\": "));
        using var wrongType = await client.PostAsync("/api/csp-reports", new StringContent("[]", Encoding.UTF8, "text/plain"));
        using var oversized = await client.PostAsync("/api/csp-reports", Json("[" + new string(' ', 200_000) + "]"));
        using var accepted = await client.PostAsync("/api/csp-reports",
            Json("""[{"type":"csp-violation","body":{"effectiveDirective":"script-src-elem","blockedURL":"https://cdn.example/x.js"}}]"""));

        await AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "DINH-PLT-0003");
        await AssertProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType, "DINH-PLT-0004");
        await AssertProblemAsync(oversized, HttpStatusCode.RequestEntityTooLarge, "DINH-PLT-0005");
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync("/api/csp-reports");

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "DINH-PLT-0002");
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var client = App.CreateClient();

        foreach (var path in new[] { "/", "/api/nope", "/openapi/v1.json" })
        {
            using var response = await client.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task Health_live_and_ready_answer_when_the_database_is_reachable()
    {
        using var client = App.CreateClient();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_exposed_in_Prometheus_format_with_http_runtime_and_database_meters()
    {
        using var client = App.CreateClient();
        await client.GetStringAsync("/health/ready");
        await App.RecordAuditAsync(1);

        var metrics = await client.GetStringAsync("/metrics");

        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", metrics, StringComparison.Ordinal);
        Assert.Contains("microsoft_entityframeworkcore_", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAPI_document_and_the_local_reference_page_describe_the_API()
    {
        using var client = App.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var page = await client.GetStringAsync("/api-docs");

        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/api/csp-reports", out _));
        Assert.Contains("/api/csp-reports", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_hold_route_templates_never_the_personal_data_in_paths()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync("/api/citizens/001203004567?name=Nguy%E1%BB%85n%20V%C4%83n%20A");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty(App.Logs.Lines);
        Assert.DoesNotContain(App.Logs.Lines, line => line.Contains("001203004567", StringComparison.Ordinal));
        Assert.DoesNotContain(App.Logs.Lines, line => line.Contains("Nguy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrations_are_applied_and_match_the_model()
    {
        var pending = await App.WithPlatformDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList());
        var modelChanges = await App.WithPlatformDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.Empty(pending);
        Assert.False(modelChanges, "The model has changes without a migration: dotnet run --project src/Dinh.Migrations.Designer -- add <Name>");
    }

    [Fact]
    public async Task A_second_instance_on_the_same_database_accepts_the_first_ones_forms()
    {
        var (_, secondAddress) = await App.StartInstanceAsync();
        var cookies = new CookieContainer();
        using var first = App.CreateClient(cookies: cookies);
        using var second = App.CreateClient(secondAddress, cookies);
        var token = await DinhApp.GetAntiforgeryTokenAsync(first);
        // Cookies are per host:port; the second instance is another port on the same loopback host.
        foreach (Cookie cookie in cookies.GetCookies(App.BaseAddress))
        {
            cookies.Add(secondAddress, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        using var response = await second.PostAsync("/language", Form(("culture", "en"), ("returnUrl", "/"), ("__RequestVerificationToken", token)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(await App.WithPlatformDbAsync(db => db.DataProtectionKeys.AnyAsync()));
    }

    [Fact]
    public async Task Audit_records_are_chained_and_verify_as_intact()
    {
        var before = await App.VerifyAuditAsync();
        await App.RecordAuditAsync(5);

        var after = await App.VerifyAuditAsync();

        Assert.True(after.Intact, string.Join("\n", after.Findings.Select(f => f.Message)));
        Assert.Equal(before.RecordsChecked + 5, after.RecordsChecked);
    }

    [Fact]
    public async Task Audit_records_roll_back_with_the_transaction_they_belong_to()
    {
        var before = await App.VerifyAuditAsync();

        await App.WithPlatformDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Audit(new AuditEvent("officer:test", "test.abandoned", "testing"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            return 0;
        });
        await App.RecordAuditAsync(1);
        var after = await App.VerifyAuditAsync();

        Assert.True(after.Intact, string.Join("\n", after.Findings.Select(f => f.Message)));
        Assert.Equal(before.RecordsChecked + 1, after.RecordsChecked);
        Assert.False(await App.WithPlatformDbAsync(db => db.AuditRecords.AnyAsync(r => r.Action == "test.abandoned")));
    }

    [Fact]
    public async Task Concurrent_appends_keep_every_chain_intact()
    {
        var before = await App.VerifyAuditAsync();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = 0; i < 5; i++)
            {
                await App.RecordAuditAsync(2, "test.concurrent");
            }
        }));
        var after = await App.VerifyAuditAsync();

        Assert.True(after.Intact, string.Join("\n", after.Findings.Select(f => f.Message)));
        Assert.Equal(before.RecordsChecked + 160, after.RecordsChecked);
    }

    [Fact]
    public async Task A_read_batch_sealed_on_a_head_that_moved_is_sealed_again_and_the_chain_stays_intact()
    {
        var before = await App.VerifyAuditAsync();
        var chain = Random.Shared.Next(16);
        // Two writers on one chain: each keeps the head it wrote last, so the first one's is stale after the second one wrote.
        var first = new ReadAuditChain(chain);
        var second = new ReadAuditChain(chain);
        Task Append(ReadAuditChain writer, string action) => App.WithPlatformDbAsync(async db =>
        {
            await db.AppendReadsAsync([new AuditEvent("officer:test", action, "testing"), new AuditEvent("officer:test", action, "testing")], [], writer,
                CancellationToken.None);
            return 0;
        });

        await Append(first, "test.read.first");
        await Append(second, "test.read.second");
        await Append(first, "test.read.stale");

        var after = await App.VerifyAuditAsync();
        Assert.True(after.Intact, string.Join("\n", after.Findings.Select(f => f.Message)));
        Assert.Equal(before.RecordsChecked + 6, after.RecordsChecked);
        var sequences = await App.WithPlatformDbAsync(db => db.AuditRecords.Where(r => r.ChainId == chain && r.Action.StartsWith("test.read."))
            .OrderByDescending(r => r.Sequence).Take(6).Select(r => new { r.Sequence, r.Action }).ToListAsync());
        Assert.Equal(["test.read.stale", "test.read.stale", "test.read.second", "test.read.second"], sequences.Take(4).Select(s => s.Action));
        Assert.Equal(first.Head!.Value.Sequence, sequences[0].Sequence);
    }

    [Fact]
    public async Task Verify_names_an_edited_row()
    {
        await TamperingAsync(async () =>
        {
            var ids = await App.RecordAuditAsync(3, "test.edited");
            var target = ids[1];

            await App.TamperAsync("UPDATE audit_records SET purpose = 'something else' WHERE id = {0}", target);
            var verification = await App.VerifyAuditAsync();

            var finding = Assert.Single(verification.Findings);
            Assert.Equal(AuditFindingKind.Edited, finding.Kind);
            Assert.Equal(target, finding.RecordId);
            await RepairAsync(target);
        });
    }

    [Fact]
    public async Task Verify_names_a_deleted_row_and_a_deleted_tail()
    {
        await TamperingAsync(async () =>
        {
            var ids = await App.RecordAuditAsync(4, "test.deleted");

            await App.TamperAsync("DELETE FROM audit_records WHERE id = {0}", ids[1]);
            await App.TamperAsync("DELETE FROM audit_records WHERE id = {0}", ids[3]);
            var verification = await App.VerifyAuditAsync();

            Assert.Contains(verification.Findings, f => f.Kind == AuditFindingKind.Missing && f.RecordId == ids[2]);
            Assert.Contains(verification.Findings, f => f.Kind == AuditFindingKind.BrokenLink && f.RecordId == ids[2]);
            Assert.Contains(verification.Findings, f => f.Kind == AuditFindingKind.HeadMismatch && f.RecordId == ids[2]);
            await ResetAuditAsync();
        });
    }

    [Fact]
    public async Task Verify_names_an_inserted_row()
    {
        await TamperingAsync(async () =>
        {
            var ids = await App.RecordAuditAsync(2, "test.inserted");
            var forged = Guid.NewGuid();

            // A forged row slotted in after the first one: the sequence numbers after it are shifted to make room.
            var chain = await App.WithPlatformDbAsync(db => db.AuditRecords.Where(r => r.Id == ids[0]).Select(r => new { r.ChainId, r.Sequence, r.Hash }).SingleAsync());
            await App.TamperAsync("UPDATE audit_records SET sequence = sequence + 1000000 WHERE chain_id = {0} AND sequence > {1}", chain.ChainId, chain.Sequence);
            await App.TamperAsync("UPDATE audit_records SET sequence = sequence - 1000000 + 1 WHERE chain_id = {0} AND sequence > 1000000", chain.ChainId);
            await App.TamperAsync(
                "INSERT INTO audit_records (id, chain_id, sequence, occurred_at, actor, action, purpose, previous_hash, hash) " +
                "VALUES ({0}, {1}, {2}, {3}, 'officer:forger', 'registry.citizen.corrected', 'forged', {4}, {4})",
                forged, chain.ChainId, chain.Sequence + 1, DateTimeOffset.UnixEpoch, chain.Hash);
            var verification = await App.VerifyAuditAsync();

            Assert.Contains(verification.Findings, f => f.RecordId == forged && f.Kind == AuditFindingKind.Edited);
            Assert.Contains(verification.Findings, f => f.RecordId == ids[1] && f.Kind is AuditFindingKind.BrokenLink or AuditFindingKind.Edited);
            await ResetAuditAsync();
        });
    }

    [Fact]
    public async Task Dinh_audit_verify_exits_non_zero_and_names_a_hand_edited_row()
    {
        await TamperingAsync(async () =>
        {
            var ids = await App.RecordAuditAsync(2, "test.cli");
            var intact = await App.RunDinhAsync("audit", "verify");

            await App.TamperAsync("UPDATE audit_records SET actor = 'officer:someone-else' WHERE id = {0}", ids[0]);
            var tampered = await App.RunDinhAsync("audit", "verify");
            await RepairAsync(ids[0]);

            Assert.True(intact.ExitCode == 0, intact.Output + intact.Error);
            Assert.Contains("Audit trail intact", intact.Output, StringComparison.Ordinal);
            Assert.Equal(1, tampered.ExitCode);
            Assert.Contains(ids[0].ToString(), tampered.Output, StringComparison.Ordinal);
            Assert.Contains("edited", tampered.Output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Dinh_db_migrate_is_idempotent()
    {
        var result = await App.RunDinhAsync("db", "migrate");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("Database migrated", result.Output, StringComparison.Ordinal);
    }

    // Tamper tests share the fixture's database; they put the trail back, pass or fail, so the other tests still see it intact.
    private async Task RepairAsync(Guid id)
    {
        await ResetAuditAsync();
        Assert.True((await App.VerifyAuditAsync()).Intact, $"repair after tampering with {id}");
    }

    private async Task TamperingAsync(Func<Task> test)
    {
        try
        {
            await test();
        }
        finally
        {
            await ResetAuditAsync();
        }
    }

    private Task<int> ResetAuditAsync() => App.WithPlatformDbAsync(async db =>
    {
        await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_records");
        foreach (var head in await db.AuditChainHeads.ToListAsync())
        {
            head.LastSequence = 0;
            head.LastHash = AuditTrail.GenesisHash(head.ChainId);
        }
        return await db.SaveChangesAsync();
    });

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static StringContent Json(string body) =>
        new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/reports+json"));

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
        return problem;
    }
}

public sealed class PlatformTestsOnSqlite(SqliteApp app) : PlatformTests(app), IClassFixture<SqliteApp>;

public sealed class PlatformTestsOnPostgres(PostgresApp app) : PlatformTests(app), IClassFixture<PostgresApp>;
