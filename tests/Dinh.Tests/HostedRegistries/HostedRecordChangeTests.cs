using System.Net;
using Dinh.Exchange.HostedRegistries;
using Dinh.Platform.Auditing;
using Dinh.Tests.Exchange;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.HostedRegistries;

/// <summary>
/// Creations, updates and deletions of a citizen's record in a hosted registry, through the GovStack API, the loader
/// and the Database API, reach the citizen's access log (and so "who used my data") in the change's transaction.
/// </summary>
public abstract class HostedRecordChangeTests(DinhApp fixture)
{
    private const string Purpose = "social-assistance-payment";

    [Fact]
    public async Task Creating_changing_and_deleting_a_citizens_record_through_the_Data_API_shows_on_their_data_usage_page_and_is_audited()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var other = await CitizenAccounts.CreateAsync(app);
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        var data = $"/data/{code}/1.0";
        using var client = await owner.ClientAsync(Purpose, "QD-2026-21");

        var (created, _) = await HostedRegistryDriver.PostAsync(client, $"{data}/create",
            new { write = new { content = HostedRegistryDriver.Record("BTXH-HN-000400", citizen.Number, citizen.Name) } });
        var (raised, _) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Put, $"{data}/update",
            new { query = new { content = new { ID = "BTXH-HN-000400" } }, write = new { content = new { monthlyAllowance = 650000, active = true } } });
        var (same, _) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Put, $"{data}/update",
            new { query = new { content = new { ID = "BTXH-HN-000400" } }, write = new { content = new { monthlyAllowance = 650000 } } });
        var (second, _) = await HostedRegistryDriver.PostAsync(client, $"{data}/create",
            new { write = new { content = HostedRegistryDriver.Record("BTXH-HN-000401", citizen.Number, citizen.Name) } });
        // Entered under the wrong person: moved to the other citizen, and both are told.
        var (moved, _) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Put, $"{data}/update",
            new { query = new { content = new { ID = "BTXH-HN-000401" } }, write = new { content = new { personalIdNumber = other.Number, fullName = other.Name } } });
        using var deleted = await client.DeleteAsync(new Uri($"{data}/BTXH-HN-000400/delete", UriKind.Relative));
        var (invalid, _) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Put, $"{data}/update",
            new { query = new { content = new { ID = "BTXH-HN-000401" } }, write = new { content = new { birthdate = "1941-13-01" } } });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        var (log, _) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
        var changes = log.Where(e => e.Kind.StartsWith("record-", StringComparison.Ordinal)).OrderBy(e => e.Id).Select(e => (e.Kind, e.Fields)).ToList();
        Assert.Equal<(string, string)>(
        [
            ("record-created", $"{code}/BTXH-HN-000400 ID personalIdNumber fullName birthdate category monthlyAllowance since communeCode active"),
            // Only the values that changed (active was written unchanged); the update that changed nothing is not shown.
            ("record-updated", $"{code}/BTXH-HN-000400 monthlyAllowance"),
            ("record-created", $"{code}/BTXH-HN-000401 ID personalIdNumber fullName birthdate category monthlyAllowance since communeCode active"),
            ("record-updated", $"{code}/BTXH-HN-000401 personalIdNumber fullName"),
            ("record-deleted", $"{code}/BTXH-HN-000400 ID personalIdNumber fullName birthdate category monthlyAllowance since communeCode active"),
        ], changes);
        Assert.All(log.Where(e => e.Kind.StartsWith("record-", StringComparison.Ordinal)),
            e => Assert.Equal((owner.Identifier, Purpose, "QD-2026-21"), (e.MemberIdentifier, e.Purpose, e.CaseReference)));
        var (otherLog, _) = await ExchangeTests.RecordsAsync(app, other.CitizenId);
        Assert.Equal(("record-updated", $"{code}/BTXH-HN-000401 personalIdNumber fullName"), Assert.Single(otherLog.Select(e => (e.Kind, e.Fields))));

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Set<AuditRecord>().AsNoTracking()
                .Where(r => r.Subject == $"citizen:{citizen.CitizenId}" && r.Action.StartsWith("registry.record.")).ToListAsync();
            // Three writes of 000400 that reached the database (create, two updates) and its deletion, and the creation of 000401.
            Assert.Equal(5, audit.Count);
            Assert.All(audit, r => Assert.Equal((owner.Identifier, Purpose), (r.Actor["member:".Length..], r.Purpose)));
            Assert.Contains(audit, r => r.Action == "registry.record.deleted" && r.Details!.Contains("BTXH-HN-000400", StringComparison.Ordinal));
        }

        // GovStack's MyPersonalDataUsage stays about readers: the changes are on the citizen's own page.
        var (usage, usageBody) = await HostedRegistryDriver.GetAsync(client, $"/data/myPersonalDataUsage?userId={citizen.Number}&databaseId={code}");
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        Assert.Empty(usageBody.EnumerateArray());

        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);
        var page = await browser.GetStringAsync(new Uri("/account/data-usage", UriKind.Relative));
        var registryTable = page[page.IndexOf("id=\"registry-uses\"", StringComparison.Ordinal)..];
        Assert.Contains("Tạo bản ghi về bạn", registryTable, StringComparison.Ordinal);
        Assert.Contains("Sửa bản ghi về bạn", registryTable, StringComparison.Ordinal);
        Assert.Contains("Xóa bản ghi về bạn", registryTable, StringComparison.Ordinal);
        Assert.Contains($"{code} / BTXH-HN-000400", registryTable, StringComparison.Ordinal);
        Assert.Contains("QD-2026-21", registryTable, StringComparison.Ordinal);
        Assert.Contains("<td>monthlyAllowance</td>", registryTable, StringComparison.Ordinal);
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Records_loaded_from_a_directory_and_a_deleted_registry_show_on_the_citizens_page_naming_the_owner()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var directory = HostedRegistryDriver.CopySample(owner.Identifier, out var code);
        var line = HostedRegistryDriver.Record("BTXH-HN-000500", citizen.Number, citizen.Name);
        await File.AppendAllTextAsync(Path.Combine(directory, "records.jsonl"), line.ToJsonString() + "\n");
        var first = await app.RunDinhAsync("registries", "load", directory);
        var records = (await File.ReadAllLinesAsync(Path.Combine(directory, "records.jsonl"))).Where(l => l.Length > 0).ToList();
        line["category"] = "disability-severe";
        records[^1] = line.ToJsonString();
        await File.WriteAllLinesAsync(Path.Combine(directory, "records.jsonl"), records);
        var second = await app.RunDinhAsync("registries", "load", directory);
        var third = await app.RunDinhAsync("registries", "load", directory);
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0 && third.ExitCode == 0, first.Error + second.Error + third.Error);

        int registryId;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            registryId = await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Registries.Where(r => r.Code == code).Select(r => r.Id).SingleAsync();
        }
        using var client = await owner.ClientAsync(Purpose, "QD-2026-30");
        var (dropped, _) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Delete, $"/database/{registryId}", new { });
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);

        var (log, _) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
        Assert.Equal<(string, string, string?)>(
        [
            ("record-created", $"{code}/BTXH-HN-000500 ID personalIdNumber fullName birthdate category monthlyAllowance since communeCode active", null),
            ("record-updated", $"{code}/BTXH-HN-000500 category", null),
            ("record-deleted", $"{code}/BTXH-HN-000500 ID personalIdNumber fullName birthdate category monthlyAllowance since communeCode active", "QD-2026-30"),
        ], log.OrderBy(e => e.Id).Select(e => (e.Kind, e.Fields, e.CaseReference)).ToList());
        Assert.All(log, e => Assert.Equal(owner.Identifier, e.MemberIdentifier));
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Set<AuditRecord>().AsNoTracking()
                .Where(r => r.Subject == $"citizen:{citizen.CitizenId}" && r.Action.StartsWith("registry.record.")).Select(r => new { r.Action, r.Actor }).ToListAsync();
            Assert.Equal(["registry.record.created", "registry.record.deleted", "registry.record.updated"], audit.Select(a => a.Action).Order());
            Assert.Contains(audit, a => a.Action == "registry.record.deleted" && a.Actor == $"member:{owner.Identifier}");
        }

        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);
        var page = await browser.GetStringAsync(new Uri("/account/data-usage", UriKind.Relative));
        // The registry is gone with its name: the entries stay, named by the code.
        Assert.Contains($"{code} / BTXH-HN-000500", page, StringComparison.Ordinal);
        Assert.Contains("Xóa bản ghi về bạn", page, StringComparison.Ordinal);
        Assert.Contains("<td>category</td>", page, StringComparison.Ordinal);
    }
}

public sealed class HostedRecordChangeTestsOnSqlite(ExchangeSqliteApp app) : HostedRecordChangeTests(app), IClassFixture<ExchangeSqliteApp>;

public sealed class HostedRecordChangeTestsOnPostgres(ExchangePostgresApp app) : HostedRecordChangeTests(app), IClassFixture<ExchangePostgresApp>;
