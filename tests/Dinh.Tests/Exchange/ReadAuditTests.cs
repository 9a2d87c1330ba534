using System.Net;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Exchange;

/// <summary>
/// Group commit of read-audit records (ADR 0010), through the exchange lookup on a real server and database: many
/// requests share one transaction, none is answered before its records commit, and a failed batch fails every request in it.
/// </summary>
public abstract class ReadAuditTests(DinhApp fixture)
{
    private const string Purpose = "social-insurance-enrolment";

    [Fact]
    public async Task Concurrent_lookups_share_transactions_and_each_leaves_its_audit_record_and_access_log_row()
    {
        var (app, citizen, member, client, reads, release) = await HeldAsync("BATCH");
        using var memberKey = member;
        using var memberClient = client;
        const int requests = 24;
        try
        {
            var lookups = Enumerable.Range(0, requests).Select(_ => ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}")).ToList();
            await WaitForAsync(() => reads.Waiting == requests);
            Assert.All(lookups, l => Assert.False(l.IsCompleted));
            release.SetResult();
            var answers = await Task.WhenAll(lookups);

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode));
        }
        finally
        {
            reads.BeforeBatch = null;
            release.TrySetResult();
        }
        var (log, audit) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
        Assert.Equal(requests, log.Count(e => e.Kind == "lookup"));
        var lookedUp = audit.Where(r => r.Action == "exchange.person.looked-up").ToList();
        Assert.Equal(requests, lookedUp.Count);
        Assert.Equal(requests, lookedUp.Select(r => r.RequestId).Distinct().Count());
        // Committed by the writers (four by default) in a few transactions, each on one chain: not one per request.
        Assert.InRange(lookedUp.Select(r => r.ChainId).Distinct().Count(), 1, 4);
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task No_answer_leaves_before_its_audit_record_has_committed()
    {
        var (app, citizen, member, client, reads, release) = await HeldAsync("HOLD", Datasets.Verification);
        using var memberKey = member;
        using var memberClient = client;
        try
        {
            var lookup = ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}");
            var verification = ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new { personalIdNumber = citizen.Number, fullName = citizen.Name });
            await WaitForAsync(() => reads.Waiting == 2);
            await Task.Delay(300);

            Assert.False(lookup.IsCompleted);
            Assert.False(verification.IsCompleted);
            var (logBefore, auditBefore) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
            Assert.Empty(logBefore);
            Assert.Empty(auditBefore);

            release.SetResult();
            Assert.Equal(HttpStatusCode.OK, (await lookup).Response.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await verification).Response.StatusCode);
        }
        finally
        {
            reads.BeforeBatch = null;
            release.TrySetResult();
        }
        var (log, audit) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
        Assert.Equal(["lookup", "verification"], log.Select(e => e.Kind).Order());
        Assert.Equal(["exchange.person.looked-up", "exchange.person.verified"], audit.Select(r => r.Action).Order());
    }

    [Fact]
    public async Task A_failed_batch_fails_every_request_in_it_and_answers_no_data()
    {
        var (app, citizen, member, client, reads, release) = await HeldAsync("FAIL");
        using var memberKey = member;
        using var memberClient = client;
        var renamed = false;
        try
        {
            var lookups = Enumerable.Range(0, 5).Select(_ => ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}")).ToList();
            await WaitForAsync(() => reads.Waiting == 5);
            // The access log's table disappears under the batch: its inserts fail, so the whole transaction does.
            await ExecuteAsync(app, "ALTER TABLE exchange_access_log RENAME TO exchange_access_log_away");
            renamed = true;
            release.SetResult();
            var answers = await Task.WhenAll(lookups);

            Assert.All(answers, a => Assert.True((int)a.Response.StatusCode >= 500, $"answered {a.Response.StatusCode}"));
            Assert.All(answers, a => Assert.DoesNotContain(citizen.Name, a.Body.ToString(), StringComparison.Ordinal));
        }
        finally
        {
            reads.BeforeBatch = null;
            release.TrySetResult();
            if (renamed)
            {
                await ExecuteAsync(app, "ALTER TABLE exchange_access_log_away RENAME TO exchange_access_log");
            }
        }
        var (log, audit) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
        Assert.Empty(log);
        Assert.Empty(audit);
        Assert.True((await app.VerifyAuditAsync()).Intact);

        // The next batch commits normally.
        var (after, _) = await ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Single((await ExchangeTests.RecordsAsync(app, citizen.CitizenId)).Log);
    }

    /// <summary>A citizen, a member granted the person dataset (and <paramref name="alsoGranted"/>), its client, and the read audit held before its next batch until <c>release</c> completes.</summary>
    private async Task<(DinhApp App, TestCitizen Citizen, TestMember Member, HttpClient Client, ReadAudit<ExchangeDbContext> Reads,
        TaskCompletionSource Release)> HeldAsync(string code, string? alsoGranted = null)
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var member = await ExchangeDriver.RegisterMemberAsync(app, code);
        await member.GrantAsync(Datasets.Person, "fullName", Purpose);
        if (alsoGranted is not null)
        {
            await member.GrantAsync(alsoGranted, "fullName", Purpose);
        }
        var client = await member.ClientAsync(Purpose, code + "-1");
        var reads = app.Factory.Services.GetRequiredService<ReadAudit<ExchangeDbContext>>();
        var release = new TaskCompletionSource();
        reads.BeforeBatch = () => release.Task;
        return (app, citizen, member, client, reads, release);
    }

    private static async Task ExecuteAsync(DinhApp app, string sql)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ExchangeDbContext>().Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition(), "timed out waiting for the requests to reach the read audit");
    }
}

public sealed class ReadAuditTestsOnSqlite(ExchangeSqliteApp app) : ReadAuditTests(app), IClassFixture<ExchangeSqliteApp>;

public sealed class ReadAuditTestsOnPostgres(ExchangePostgresApp app) : ReadAuditTests(app), IClassFixture<ExchangePostgresApp>;
