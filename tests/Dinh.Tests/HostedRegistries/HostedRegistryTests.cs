using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Exchange.HostedRegistries;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Dinh.Tests.Exchange;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.HostedRegistries;

/// <summary>
/// GovStack Digital Registries 1.3.0 through the real server: a registry loaded from a directory (the shipped sample),
/// then used by its owner and by other members through the Data and Database APIs.
/// </summary>
public abstract class HostedRegistryTests(DinhApp fixture)
{
    private const string Purpose = "social-assistance-payment";

    [Fact]
    public async Task dinh_registries_load_loads_the_sample_and_a_rerun_changes_nothing()
    {
        var app = fixture.Require();
        // The sample names this owner; the member must exist before the load.
        using var owner = await HostedRegistryDriver.RegisterMemberAsync(app, "VN/GOV/SLDTBXH-HN/btxh");

        var first = await app.RunDinhAsync("registries", "load", HostedRegistryDriver.SampleDirectory);
        var auditAfterFirst = await AuditCountAsync(app, "registry.record.");
        var second = await app.RunDinhAsync("registries", "load", HostedRegistryDriver.SampleDirectory);
        var list = await app.RunDinhAsync("registries", "list");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("Registry BTXH-HN/1.0: 5 records created, 0 updated, 0 unchanged.", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("0 records created, 0 updated, 5 unchanged.", second.Output, StringComparison.Ordinal);
        Assert.Equal(auditAfterFirst, await AuditCountAsync(app, "registry.record."));
        Assert.Contains("BTXH-HN/1.0", list.Output, StringComparison.Ordinal);
        // The API is exercised by the tests below; here the loaded record is checked where it is stored.
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>();
        var record = await db.Records.SingleAsync(r => r.RecordKey == "BTXH-HN-000003" && db.Registries.Any(x => x.Id == r.RegistryId && x.Code == "BTXH-HN"));
        Assert.Equal("Lê Minh Khoa", JsonNode.Parse(record.Content)!["fullName"]!.GetValue<string>());
        Assert.Equal("001205004512", record.SubjectPersonalIdNumber);
    }

    [Fact]
    public async Task A_bad_directory_is_refused_naming_file_line_and_field_and_nothing_is_written()
    {
        var app = fixture.Require();
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var directory = HostedRegistryDriver.CopySample(owner.Identifier, out var code);
        await File.AppendAllTextAsync(Path.Combine(directory, "records.jsonl"),
            "{\"ID\":\"BTXH-HN-000006\",\"personalIdNumber\":\"001190000001\",\"fullName\":\"Đỗ Văn An\",\"birthdate\":\"1990-13-01\",\"category\":\"orphan\"," +
            "\"monthlyAllowance\":500000,\"since\":\"2020-01-01\",\"communeCode\":\"00004\",\"active\":true}\n" +
            "{\"ID\":\"BTXH-HN-000001\",\"personalIdNumber\":\"001190000001\",\"fullName\":\"Đỗ Văn An\",\"birthdate\":\"1990-12-01\",\"category\":\"orphan\"," +
            "\"monthlyAllowance\":500000,\"since\":\"2020-01-01\",\"communeCode\":\"00004\",\"active\":true,\"nickname\":\"An\"}\n");

        var result = await app.RunDinhAsync("registries", "load", directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("records.jsonl:6: field 'birthdate': format:date", result.Error, StringComparison.Ordinal);
        Assert.Contains("records.jsonl:7: field 'nickname': unknown", result.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was written.", result.Error, StringComparison.Ordinal);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Registries.AnyAsync(r => r.Code == code));

        File.Delete(Path.Combine(directory, "schema.json"));
        var noSchema = await app.RunDinhAsync("registries", "load", directory);
        Assert.Equal(2, noSchema.ExitCode);
        Assert.Contains("schema.json: missing", noSchema.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owner_creates_reads_lists_updates_and_deletes_records_through_the_Data_API_and_changes_are_audited()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        using var client = await owner.ClientAsync(Purpose, "QD-2026-115");
        var data = $"/data/{code}/1.0";
        var record = HostedRegistryDriver.Record("BTXH-HN-000100", citizen.Number, citizen.Name);

        var (created, createdBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/create", new { write = new { content = record } });
        var (duplicate, _) = await HostedRegistryDriver.PostAsync(client, $"{data}/create", new { write = new { content = record } });
        var (read, readBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/read", new { query = new { content = new { personalIdNumber = citizen.Number } } });
        var (exists, existsBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/exists", new { query = new { content = new { ID = "BTXH-HN-000100" } } });
        var (absent, absentBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/exists", new { query = new { content = new { ID = "BTXH-HN-999999" } } });
        var (list, listBody) = await HostedRegistryDriver.GetAsync(client, $"{data}?query.category=elderly-80&pageSize=2&ordering=descending");
        var (search, searchBody) = await HostedRegistryDriver.GetAsync(client, $"{data}?search=^l[êe]&filter=fullName");
        var (update, updateBody) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Put, $"{data}/update",
            new { query = new { content = new { ID = "BTXH-HN-000100" } }, write = new { content = new { monthlyAllowance = 750000 } } });
        var (entries, entriesBody) = await HostedRegistryDriver.SendAsync(client, HttpMethod.Put, $"{data}/updateEntries",
            new { query = new { content = new { communeCode = "00004" } }, write = new { content = new { active = false } } });
        var (upsert, upsertBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/updateOrCreate",
            new { query = new { content = new { ID = "BTXH-HN-000101" } }, write = new { content = HostedRegistryDriver.Record("BTXH-HN-000101", "001190000002", "Đỗ Văn An") } });
        var (value, valueBody) = await HostedRegistryDriver.GetAsync(client, $"{data}/BTXH-HN-000100/readValue/monthlyAllowance.json");
        var (badExt, _) = await HostedRegistryDriver.GetAsync(client, $"{data}/BTXH-HN-000100/readValue/monthlyAllowance.pdf");
        using var deleted = await client.DeleteAsync($"{data}/BTXH-HN-000100/delete");
        var (gone, goneBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/read", new { query = new { content = new { ID = "BTXH-HN-000100" } } });
        using var deletedAgain = await client.DeleteAsync($"{data}/BTXH-HN-000100/delete");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(citizen.Number, createdBody.GetProperty("content").GetProperty("personalIdNumber").GetString());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("BTXH-HN-000100", readBody.GetProperty("content").GetProperty("ID").GetString());
        Assert.Equal((HttpStatusCode.OK, true), (exists.StatusCode, existsBody.GetProperty("answer").GetProperty("status").GetBoolean()));
        Assert.Equal((HttpStatusCode.OK, false), (absent.StatusCode, absentBody.GetProperty("answer").GetProperty("status").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(3, listBody.GetProperty("count").GetInt32());
        Assert.Equal(["BTXH-HN-000100", "BTXH-HN-000002"], listBody.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        Assert.Contains("page=2", listBody.GetProperty("next").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, listBody.GetProperty("previous").ValueKind);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(["BTXH-HN-000003"], searchBody.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ID").GetString()));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(750000, updateBody.GetProperty("content").GetProperty("monthlyAllowance").GetInt32());
        Assert.Equal((HttpStatusCode.OK, 3), (entries.StatusCode, entriesBody.GetProperty("count").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, upsert.StatusCode);
        Assert.Equal("Đỗ Văn An", upsertBody.GetProperty("content").GetProperty("fullName").GetString());
        Assert.Equal((HttpStatusCode.OK, 750000), (value.StatusCode, valueBody.GetProperty("value").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, badExt.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("no record found", goneBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(r => r.Subject == $"citizen:{citizen.CitizenId}" && r.Action.StartsWith("registry.record.")).ToListAsync();
        // The changes only: the reads of this test are audited too (registry.record.read, registry.record.checked).
        audit = [.. audit.Where(r => r.Action is "registry.record.created" or "registry.record.updated" or "registry.record.deleted").OrderBy(r => r.OccurredAt)];
        Assert.Equal(["registry.record.created", "registry.record.updated", "registry.record.updated", "registry.record.deleted"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(($"member:{owner.Identifier}", Purpose), (a.Actor, a.Purpose)));
        Assert.Contains("Nghị định 20/2021/NĐ-CP", audit[0].LegalBasis, StringComparison.Ordinal);
        Assert.Contains("QD-2026-115", audit[0].Details, StringComparison.Ordinal);
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Records_and_requests_are_validated_naming_each_field_and_never_answer_5xx()
    {
        var app = fixture.Require();
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        using var client = await owner.ClientAsync(Purpose);
        var data = $"/data/{code}/1.0";
        var bad = new JsonObject
        {
            ["ID"] = "BTXH-HN-000200", ["personalIdNumber"] = "12345", ["fullName"] = "Vũ Thị Hạnh", ["birthdate"] = "1950-02-30",
            ["category"] = "rich", ["monthlyAllowance"] = "500000", ["since"] = "2020-01-01", ["nickname"] = "Hạnh",
            ["caretaker"] = new JsonObject { ["phone"] = "12" },
        };

        var (invalid, body) = await HostedRegistryDriver.PostAsync(client, $"{data}/create", new JsonObject { ["write"] = new JsonObject { ["content"] = bad } });
        using var malformed = await client.PostAsync($"{data}/create", new StringContent("{\"write\":", Encoding.UTF8, "application/json"));
        var (noWrite, noWriteBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/create", new { query = new { content = new { ID = "x" } } });
        var (badQuery, badQueryBody) = await HostedRegistryDriver.PostAsync(client, $"{data}/read", new { query = new { content = new { colour = "red" } } });
        var (badPage, badPageBody) = await HostedRegistryDriver.GetAsync(client, $"{data}?page=0&pageSize=1000&query.colour=red&search=(");
        var (unknown, unknownBody) = await HostedRegistryDriver.PostAsync(client, $"/data/NOPE/1.0/read", new { query = new { content = new { ID = "x" } } });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("DINH-EXC-0103", body.GetProperty("code").GetString());
        var errors = body.GetProperty("errors");
        Assert.Equal("format:personal-id-number", errors.GetProperty("write.content.personalIdNumber")[0].GetString());
        Assert.Equal("format:date", errors.GetProperty("write.content.birthdate")[0].GetString());
        Assert.Equal("enum", errors.GetProperty("write.content.category")[0].GetString());
        Assert.Equal("type:integer", errors.GetProperty("write.content.monthlyAllowance")[0].GetString());
        Assert.Equal("unknown", errors.GetProperty("write.content.nickname")[0].GetString());
        Assert.Equal("pattern", errors.GetProperty("write.content.caretaker.phone")[0].GetString());
        Assert.Equal("required", errors.GetProperty("write.content.communeCode")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"body\"", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noWrite.StatusCode);
        Assert.Equal("required", noWriteBody.GetProperty("errors").GetProperty("write.content")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        Assert.Equal("unknown", badQueryBody.GetProperty("errors").GetProperty("query.content.colour")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        var pageErrors = badPageBody.GetProperty("errors");
        Assert.True(pageErrors.TryGetProperty("page", out _) && pageErrors.TryGetProperty("pageSize", out _)
            && pageErrors.TryGetProperty("query.colour", out _) && pageErrors.TryGetProperty("search", out _), pageErrors.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal("DINH-EXC-0104", unknownBody.GetProperty("code").GetString());
        await using var scope = app.Factory.Services.CreateAsyncScope();
        Assert.Equal(5, await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Records
            .CountAsync(r => r.RegistryId == scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Registries.First(x => x.Code == code).Id));
    }

    [Fact]
    public async Task Other_members_need_a_grant_reads_go_to_the_citizens_access_log_and_MyPersonalDataUsage_shows_them()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        using var reader = await ExchangeDriver.RegisterMemberAsync(app, "KBNN");
        using var stranger = await ExchangeDriver.RegisterMemberAsync(app, "OTHER");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        var data = $"/data/{code}/1.0";
        using var ownerClient = await owner.ClientAsync(Purpose, "QD-2026-7");
        var (created, _) = await HostedRegistryDriver.PostAsync(ownerClient, $"{data}/create",
            new { write = new { content = HostedRegistryDriver.Record("BTXH-HN-000300", citizen.Number, citizen.Name) } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var granted = await app.RunDinhAsync("registries", "grant", code, reader.Identifier, "--operation", "read",
            "--purpose", "allowance-disbursement", "--legal-basis", "Thông tư 02/2021/TT-BLĐTBXH, Điều 9");
        Assert.True(granted.ExitCode == 0, granted.Error);
        using var readerClient = await reader.ClientAsync("allowance-disbursement", "CHI-2026-11");
        using var wrongPurpose = await reader.ClientAsync("marketing", "M-1");
        using var strangerClient = await stranger.ClientAsync(Purpose, "X-1");

        var query = new { query = new { content = new { personalIdNumber = citizen.Number } } };
        var (read, readBody) = await HostedRegistryDriver.PostAsync(readerClient, $"{data}/read", query);
        var (write, writeBody) = await HostedRegistryDriver.SendAsync(readerClient, HttpMethod.Put, $"{data}/update",
            new { query = new { content = new { ID = "BTXH-HN-000300" } }, write = new { content = new { active = false } } });
        var (purpose, _) = await HostedRegistryDriver.PostAsync(wrongPurpose, $"{data}/read", query);
        var (foreign, _) = await HostedRegistryDriver.PostAsync(strangerClient, $"{data}/read", query);
        var (schema, _) = await HostedRegistryDriver.GetAsync(readerClient, "/databases");
        var (usage, usageBody) = await HostedRegistryDriver.GetAsync(ownerClient, $"/data/myPersonalDataUsage?userId={citizen.Number}&databaseId={code}");
        var (usageRefused, _) = await HostedRegistryDriver.GetAsync(readerClient, $"/data/myPersonalDataUsage?userId={citizen.Number}&databaseId={code}");
        var (usageBad, usageBadBody) = await HostedRegistryDriver.GetAsync(ownerClient, $"/data/myPersonalDataUsage?userId=abc&databaseId={code}");
        var (usageNobody, _) = await HostedRegistryDriver.GetAsync(ownerClient, $"/data/myPersonalDataUsage?userId=001099999999&databaseId={code}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(citizen.Name, readBody.GetProperty("content").GetProperty("fullName").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("DINH-EXC-0104", writeBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, purpose.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        var entry = Assert.Single(usageBody.EnumerateArray());
        Assert.Equal(reader.Identifier, entry.GetProperty("readerId").GetString());
        Assert.Equal("BTXH-HN-000300", entry.GetProperty("refrences")[0].GetProperty("ReferenceID").GetString());
        Assert.Equal("allowance-disbursement", entry.GetProperty("purpose").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, usageRefused.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "format:personal-id-number"),
            (usageBad.StatusCode, usageBadBody.GetProperty("errors").GetProperty("userId")[0].GetString()));
        Assert.Equal(HttpStatusCode.NotFound, usageNobody.StatusCode);

        var (log, _) = await ExchangeTests.RecordsAsync(app, citizen.CitizenId);
        var logged = Assert.Single(log, e => e.Kind == "lookup");
        Assert.Equal((reader.Identifier, "allowance-disbursement", "CHI-2026-11"), (logged.MemberIdentifier, logged.Purpose, logged.CaseReference));
        Assert.StartsWith($"{code}/BTXH-HN-000300 ID personalIdNumber fullName", logged.Fields, StringComparison.Ordinal);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var all = await scope.ServiceProvider.GetRequiredService<ExchangeDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(r => r.Action == "registry.record.read" || r.Action == "registry.refused").ToListAsync();
        Assert.Contains(all, r => r.Action == "registry.record.read" && r.Actor == $"member:{reader.Identifier}" && r.Subject == $"citizen:{citizen.CitizenId}"
            && r.LegalBasis == "Thông tư 02/2021/TT-BLĐTBXH, Điều 9");
        Assert.Contains(all, r => r.Action == "registry.refused" && r.Actor == $"member:{stranger.Identifier}");
        Assert.Contains(all, r => r.Action == "registry.refused" && r.Actor == $"member:{reader.Identifier}" && r.Purpose == "marketing");
    }

    [Fact]
    public async Task The_Database_API_lists_reads_modifies_and_deletes_schemas_and_refuses_a_schema_that_records_would_break()
    {
        var app = fixture.Require();
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        using var newcomer = await ExchangeDriver.RegisterMemberAsync(app, "SOYTE");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        using var client = await owner.ClientAsync(Purpose);
        var (databases, databasesBody) = await HostedRegistryDriver.GetAsync(client, "/databases");
        // The specification's databasesSchema: one group object whose `databases` are DatabaseInfo objects.
        Assert.Equal(JsonValueKind.Object, databasesBody.ValueKind);
        Assert.Equal((JsonValueKind.Number, JsonValueKind.String, JsonValueKind.String, JsonValueKind.Number, JsonValueKind.Number),
            (databasesBody.GetProperty("id").ValueKind, databasesBody.GetProperty("name").ValueKind, databasesBody.GetProperty("code").ValueKind,
             databasesBody.GetProperty("groupId").ValueKind, databasesBody.GetProperty("order").ValueKind));
        var info = databasesBody.GetProperty("databases").EnumerateArray().Single(d => d.GetProperty("name").GetString() == code);
        Assert.Equal("1.0", info.GetProperty("version").GetString());
        Assert.Equal((JsonValueKind.Number, JsonValueKind.String, JsonValueKind.Object, JsonValueKind.False, JsonValueKind.String),
            (info.GetProperty("id").ValueKind, info.GetProperty("institution").ValueKind, info.GetProperty("schema").ValueKind,
             info.GetProperty("isDisabled").ValueKind, info.GetProperty("modifiedAt").ValueKind));
        var id = info.GetProperty("id").GetInt32();
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(HostedRegistryDriver.SampleDirectory, "schema.json")))!.AsObject();
        schema["creationDate"] = "2026-11-23";
        schema["description"] = "Đối tượng bảo trợ xã hội";
        schema["filename"] = "btxh.json";
        schema["properties"]!["bankAccount"] = new JsonObject { ["type"] = "string", ["maxLength"] = 30 };
        var breaking = schema.DeepClone().AsObject();
        breaking["required"]!.AsArray().Add("bankAccount");

        var (get, getBody) = await HostedRegistryDriver.GetAsync(client, $"/database/{id}");
        var (modified, _) = await HostedRegistryDriver.PostAsync(client, "/database/modify", new JsonObject
        {
            ["code"] = code, ["catalogName"] = "Đối tượng bảo trợ xã hội (có tài khoản)", ["groupName"] = "Bảo trợ xã hội", ["schema"] = schema.DeepClone(),
        });
        var (broken, brokenBody) = await HostedRegistryDriver.PostAsync(client, "/database/modify", new JsonObject
        {
            ["code"] = code, ["catalogName"] = "x", ["schema"] = breaking,
        });
        var (nonsense, nonsenseBody) = await HostedRegistryDriver.PostAsync(client, "/database/modify", new JsonObject
        {
            ["code"] = code, ["catalogName"] = "x", ["schema"] = new JsonObject { ["type"] = "object", ["description"] = "d", ["filename"] = "f", ["creationDate"] = "c",
                ["properties"] = new JsonObject { ["ID"] = new JsonObject { ["type"] = "text", ["primaryKey"] = true } } },
        });
        var (notGranted, _) = await HostedRegistryDriver.PostAsync(await newcomer.ClientAsync("health-register"), "/database/modify", new JsonObject
        {
            ["code"] = "SOYTE-" + code, ["catalogName"] = "Sổ tiêm chủng", ["schema"] = schema.DeepClone(),
        });
        var granted = await app.RunDinhAsync("registries", "grant", "SOYTE-" + code, newcomer.Identifier, "--operation", "schema", "read", "write",
            "--purpose", "health-register", "--legal-basis", "Luật Khám bệnh, chữa bệnh 2023");
        Assert.True(granted.ExitCode == 0, granted.Error);
        using var newcomerClient = await newcomer.ClientAsync("health-register");
        // catalogName is not required by the specification: the registry is then named by its code.
        var (createdByApi, createdByApiBody) = await HostedRegistryDriver.PostAsync(newcomerClient, "/database/modify", new JsonObject
        {
            ["code"] = "SOYTE-" + code, ["schema"] = schema.DeepClone(),
        });
        var (newcomerDatabases, newcomerDatabasesBody) = await HostedRegistryDriver.GetAsync(newcomerClient, "/databases");
        var (newRecord, _) = await HostedRegistryDriver.PostAsync(newcomerClient, $"/data/SOYTE-{code}/1.0/create",
            new { write = new { content = HostedRegistryDriver.Record("BTXH-HN-000001", "001190000002", "Đỗ Văn An") } });
        var (foreignGet, _) = await HostedRegistryDriver.GetAsync(newcomerClient, $"/database/{id}");
        using var deleted = await client.DeleteAsync($"/database/{id}");
        var (afterDelete, _) = await HostedRegistryDriver.GetAsync(client, $"/database/{id}");
        var (badId, _) = await HostedRegistryDriver.GetAsync(client, "/database/abc");

        Assert.Equal(HttpStatusCode.OK, databases.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("ID", getBody.GetProperty("schema").GetProperty("required")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, broken.StatusCode);
        Assert.Contains("bankAccount", brokenBody.GetProperty("errors").ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.True(nonsenseBody.GetProperty("errors").TryGetProperty("schema.properties.ID.type", out _), nonsenseBody.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, notGranted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, createdByApi.StatusCode);
        Assert.Equal("btxh.json", createdByApiBody.GetProperty("filename").GetString());
        Assert.Equal(HttpStatusCode.OK, newcomerDatabases.StatusCode);
        var newcomerInfo = Assert.Single(newcomerDatabasesBody.GetProperty("databases").EnumerateArray());
        Assert.Equal(("SOYTE-" + code, "SOYTE-" + code), (newcomerInfo.GetProperty("name").GetString(), newcomerInfo.GetProperty("catalogName").GetString()));
        Assert.Equal(HttpStatusCode.OK, newRecord.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreignGet.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("\"Success\"", await deleted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>();
        Assert.False(await db.Records.AnyAsync(r => r.RegistryId == id));
        Assert.True(await db.Set<AuditRecord>().AnyAsync(r => r.Action == "registry.schema.deleted" && r.Subject == $"hosted-registry:{code}/1.0"));
    }

    [Fact]
    public async Task The_Information_Mediator_Client_header_is_believed_only_from_a_configured_gateway()
    {
        var app = fixture.Require();
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        var (trustedFactory, trustedAddress) = await app.StartInstanceAsync(settings: new Dictionary<string, string?>
        {
            ["Dinh:Exchange:InformationMediator:Enabled"] = "true",
            ["Dinh:Exchange:InformationMediator:TrustedGateways:0"] = "127.0.0.0/8",
            ["Dinh:Exchange:InformationMediator:TrustedGateways:1"] = "::1",
        });
        var (untrustedFactory, untrustedAddress) = await app.StartInstanceAsync(settings: new Dictionary<string, string?>
        {
            ["Dinh:Exchange:InformationMediator:Enabled"] = "true",
            ["Dinh:Exchange:InformationMediator:TrustedGateways:0"] = "10.20.0.0/16",
        });
        try
        {
            HttpClient Gateway(Uri address, string client)
            {
                var http = app.CreateClient(address);
                http.DefaultRequestHeaders.Add(InformationMediatorOptions.Header, client);
                http.DefaultRequestHeaders.Add("Dinh-Purpose", Purpose);
                http.DefaultRequestHeaders.Add("Dinh-Case-Reference", "XROAD-1");
                return http;
            }
            var body = new { query = new { content = new { ID = "BTXH-HN-000001" } } };
            using var viaGateway = Gateway(trustedAddress, owner.Identifier);
            using var unknownMember = Gateway(trustedAddress, "VN/GOV/NOBODY/x");
            using var spoofed = Gateway(untrustedAddress, owner.Identifier);
            using var defaultOff = Gateway(app.BaseAddress, owner.Identifier);

            var (trusted, trustedBody) = await HostedRegistryDriver.PostAsync(viaGateway, $"/data/{code}/1.0/read", body);
            var (unknown, _) = await HostedRegistryDriver.PostAsync(unknownMember, $"/data/{code}/1.0/read", body);
            var (untrusted, untrustedBody) = await HostedRegistryDriver.PostAsync(spoofed, $"/data/{code}/1.0/read", body);
            var (off, _) = await HostedRegistryDriver.PostAsync(defaultOff, $"/data/{code}/1.0/read", body);

            Assert.Equal(HttpStatusCode.OK, trusted.StatusCode);
            Assert.Equal("BTXH-HN-000001", trustedBody.GetProperty("content").GetProperty("ID").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, untrusted.StatusCode);
            Assert.Equal("DINH-EXC-0001", untrustedBody.GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.Unauthorized, off.StatusCode);
        }
        finally
        {
            await app.StopInstanceAsync(trustedFactory);
            await app.StopInstanceAsync(untrustedFactory);
        }
    }

    private static async Task<int> AuditCountAsync(DinhApp app, string actionPrefix)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HostedRegistriesDbContext>().Set<AuditRecord>().CountAsync(r => r.Action.StartsWith(actionPrefix));
    }
}

public sealed class HostedRegistryTestsOnSqlite(ExchangeSqliteApp app) : HostedRegistryTests(app), IClassFixture<ExchangeSqliteApp>;

public sealed class HostedRegistryTestsOnPostgres(ExchangePostgresApp app) : HostedRegistryTests(app), IClassFixture<ExchangePostgresApp>;
