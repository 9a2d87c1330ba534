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

    [Fact]
    public async Task A_batch_on_a_kept_head_the_chain_no_longer_has_is_rolled_back_whole_and_sealed_again_on_the_real_head()
    {
        var app = fixture.Require();
        var citizen = Guid.CreateVersion7();
        var chain = new ReadAuditChain(Random.Shared.Next(16));
        await AppendAsync(app, chain, citizen, "exchange.test.kept.first", 1);
        var real = chain.Head!.Value;
        // A head ahead of the chain's: the places after it are free, so only the head check stops the batch there
        // (without it, records would land past a gap, chained on a hash the chain does not have).
        chain.Head = (real.Sequence + 10, real.Hash);

        await AppendAsync(app, chain, citizen, "exchange.test.kept.second", 3);

        var (log, audit) = await ExchangeTests.RecordsAsync(app, citizen);
        Assert.Equal(4, log.Count);
        var placed = audit.Where(r => r.ChainId == chain.ChainId).OrderBy(r => r.Sequence).Select(r => (r.Sequence, r.Action)).ToList();
        Assert.Equal([(real.Sequence, "exchange.test.kept.first"), (real.Sequence + 1, "exchange.test.kept.second"), (real.Sequence + 2, "exchange.test.kept.second"),
            (real.Sequence + 3, "exchange.test.kept.second")], placed);
        Assert.Equal(real.Sequence + 3, chain.Head!.Value.Sequence);
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task A_batch_whose_access_log_row_fails_leaves_neither_records_nor_a_moved_head_and_the_next_one_commits()
    {
        var app = fixture.Require();
        var citizen = Guid.CreateVersion7();
        var chain = new ReadAuditChain(Random.Shared.Next(16));
        await AppendAsync(app, chain, citizen, "exchange.test.half.first", 1);
        var kept = chain.Head!.Value;

        // Two access-log rows with one key: the second insert fails after the head check and the records' insert were sent.
        var twin = Entry(citizen);
        var failed = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => WithExchangeDbAsync(app, async db =>
        {
            await db.AppendReadsAsync([Event(citizen, "exchange.test.half.failed"), Event(citizen, "exchange.test.half.failed")], [twin, twin], chain,
                CancellationToken.None);
            return 0;
        }));
        Assert.NotNull(failed);
        Assert.Null(chain.Head);
        var (log, audit) = await ExchangeTests.RecordsAsync(app, citizen);
        Assert.Single(log);
        Assert.DoesNotContain(audit, r => r.Action == "exchange.test.half.failed");
        var head = await WithExchangeDbAsync(app, db => db.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.ChainId == chain.ChainId));
        Assert.Equal(kept.Sequence, head.LastSequence);
        Assert.Empty(await WithExchangeDbAsync(app, db => db.Set<AuditRecord>().AsNoTracking()
            .Where(r => r.ChainId == chain.ChainId && r.Sequence > head.LastSequence).Select(r => r.Sequence).ToListAsync()));

        await AppendAsync(app, chain, citizen, "exchange.test.half.next", 2);
        Assert.Equal(3, (await ExchangeTests.RecordsAsync(app, citizen)).Log.Count);
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task A_writer_that_gathers_commits_every_record_handed_over_and_answers_each_after_its_commit()
    {
        var app = fixture.Require();
        var citizen = Guid.CreateVersion7();
        var services = app.Factory.Services;
        // A read audit of its own with gathering on (off by default, ADR 0026), on the application's contexts.
        var reads = new ReadAudit<ExchangeDbContext>(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<AuditTrail>(),
            Microsoft.Extensions.Options.Options.Create(new ReadAuditOptions { GatherRounds = 4 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ReadAudit<ExchangeDbContext>>.Instance);
        const int records = 40;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, records).Select(i => Task.Run(() => reads.AppendAsync(Event(citizen, "exchange.test.gathered"), Entry(citizen)))));
        }
        finally
        {
            await reads.DisposeAsync();
        }

        var (log, audit) = await ExchangeTests.RecordsAsync(app, citizen);
        Assert.Equal(records, log.Count);
        Assert.Equal(records, audit.Count(r => r.Action == "exchange.test.gathered"));
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    private static async Task AppendAsync(DinhApp app, ReadAuditChain chain, Guid citizen, string action, int count) => await WithExchangeDbAsync(app, async db =>
    {
        await db.AppendReadsAsync([.. Enumerable.Range(0, count).Select(_ => Event(citizen, action))], [.. Enumerable.Range(0, count).Select(_ => Entry(citizen))],
            chain, CancellationToken.None);
        return 0;
    });

    private static AuditEvent Event(Guid citizen, string action) => new("member:VN/TEST/KEPT/x", action, Purpose)
    {
        Subject = $"citizen:{citizen}",
    };

    private static Dinh.Exchange.Access.AccessLogEntry Entry(Guid citizen) => new()
    {
        Id = Guid.CreateVersion7(),
        CitizenId = citizen,
        MemberId = Guid.CreateVersion7(),
        MemberIdentifier = "VN/TEST/KEPT/x",
        MemberName = "Kept-head test",
        Kind = "lookup",
        Purpose = Purpose,
        Fields = "fullName",
        At = TimeProvider.System.GetUtcNow(),
    };

    private static async Task<T> WithExchangeDbAsync<T>(DinhApp app, Func<ExchangeDbContext, Task<T>> work)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ExchangeDbContext>());
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
