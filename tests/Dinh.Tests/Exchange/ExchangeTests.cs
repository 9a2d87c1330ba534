using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Exchange;

/// <summary>Members, grants, lookup, verification, consent, rate limits and the registry's change feed, through HTTP on a real database.</summary>
public abstract class ExchangeTests(DinhApp fixture)
{
    private const string Purpose = "social-insurance-enrolment";

    [Fact]
    public async Task Lookup_returns_granted_fields_only_and_is_audited_and_logged_for_the_citizen()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "BHXH");
        await member.GrantAsync(Datasets.Person, "fullName dateOfBirth", Purpose);
        using var client = await member.ClientAsync(Purpose, "BHXH-2026-77");

        var (ok, body) = await ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(citizen.Name, body.GetProperty("fullName").GetString());
        Assert.Equal("1990-05-01", body.GetProperty("dateOfBirth").GetString());
        Assert.False(body.TryGetProperty("sex", out _));
        Assert.False(body.TryGetProperty("permanentResidenceUnitCode", out _));
        var (log, audit) = await RecordsAsync(app, citizen.CitizenId);
        var entry = Assert.Single(log);
        Assert.Equal(("lookup", member.Identifier, Purpose, "BHXH-2026-77", "fullName dateOfBirth"),
            (entry.Kind, entry.MemberIdentifier, entry.Purpose, entry.CaseReference, entry.Fields));
        var record = Assert.Single(audit);
        Assert.Equal(("exchange.person.looked-up", $"member:{member.Identifier}", Purpose, "Luật Căn cước 2023, Điều 10"),
            (record.Action, record.Actor, record.Purpose, record.LegalBasis));
        Assert.Contains("BHXH-2026-77", record.Details, StringComparison.Ordinal);
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Fields_outside_the_grant_and_purposes_outside_it_are_refused_and_recorded()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "BANK");
        await member.GrantAsync(Datasets.Person, "fullName", Purpose);
        using var client = await member.ClientAsync(Purpose);
        using var otherPurpose = await member.ClientAsync("marketing");

        var (outside, outsideBody) = await ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}?fields=fullName,sex");
        var (wrongPurpose, wrongBody) = await ExchangeDriver.GetAsync(otherPurpose, $"/api/exchange/persons/{citizen.Number}");
        var (unknownField, unknownBody) = await ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}?fields=religion");

        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Equal("DINH-EXC-0005", outsideBody.GetProperty("code").GetString());
        Assert.Equal(["sex"], outsideBody.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.False(outsideBody.TryGetProperty("fullName", out _));
        Assert.Equal(HttpStatusCode.Forbidden, wrongPurpose.StatusCode);
        Assert.Equal("DINH-EXC-0004", wrongBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.True(unknownBody.GetProperty("errors").TryGetProperty("fields", out _));
        var (log, audit) = await RecordsAsync(app, citizen.CitizenId);
        Assert.Equal(2, log.Count(e => e.Kind == "refused"));
        Assert.Equal(2, audit.Count(r => r.Action == "exchange.person.refused"));
    }

    [Fact]
    public async Task Missing_purpose_or_token_and_foreign_tokens_are_refused_without_data()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "TELCO");
        await member.GrantAsync(Datasets.Person, "fullName", Purpose);
        using var noPurpose = await member.ClientAsync(null, null);
        using var anonymous = app.CreateClient();
        using var forged = app.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", await ForeignTokenAsync());
        forged.DefaultRequestHeaders.Add("Dinh-Purpose", Purpose);
        forged.DefaultRequestHeaders.Add("Dinh-Case-Reference", "X");
        using var badPurpose = await member.ClientAsync("Not A Code!");

        var (missing, missingBody) = await ExchangeDriver.GetAsync(noPurpose, $"/api/exchange/persons/{citizen.Number}");
        var (none, noneBody) = await ExchangeDriver.GetAsync(anonymous, $"/api/exchange/persons/{citizen.Number}");
        var (foreign, foreignBody) = await ExchangeDriver.GetAsync(forged, $"/api/exchange/persons/{citizen.Number}");
        var (malformed, malformedBody) = await ExchangeDriver.GetAsync(badPurpose, $"/api/exchange/persons/{citizen.Number}");
        var (badNumber, badNumberBody) = await ExchangeDriver.GetAsync(await member.ClientAsync(Purpose), "/api/exchange/persons/12ab");

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("DINH-EXC-0003", missingBody.GetProperty("code").GetString());
        Assert.True(missingBody.GetProperty("errors").TryGetProperty("Dinh-Purpose", out _));
        Assert.True(missingBody.GetProperty("errors").TryGetProperty("Dinh-Case-Reference", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("DINH-EXC-0001", noneBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
        Assert.Equal("DINH-EXC-0001", foreignBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("DINH-EXC-0003", malformedBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badNumber.StatusCode);
        Assert.True(badNumberBody.GetProperty("errors").TryGetProperty("personalIdNumber", out _));
        var (log, _) = await RecordsAsync(app, citizen.CitizenId);
        Assert.Empty(log);
    }

    [Fact]
    public async Task Verification_answers_match_per_attribute_without_returning_data()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "VIETTEL");
        await member.GrantAsync(Datasets.Verification, "fullName dateOfBirth", "sim-subscriber-verification");
        using var client = await member.ClientAsync("sim-subscriber-verification", "SIM-0987654321");

        var (ok, body) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new
        {
            personalIdNumber = citizen.Number, fullName = citizen.Name.ToUpperInvariant(), dateOfBirth = "1990-05-02",
        });
        var (outside, outsideBody) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new
        {
            personalIdNumber = citizen.Number, sex = "female",
        });
        var (unknown, unknownBody) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new
        {
            personalIdNumber = "001090000000", fullName = "Nguyễn Văn A",
        });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(body.GetProperty("found").GetBoolean());
        Assert.True(body.GetProperty("matches").GetProperty("fullName").GetBoolean());
        Assert.False(body.GetProperty("matches").GetProperty("dateOfBirth").GetBoolean());
        Assert.DoesNotContain(citizen.Name, body.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Equal("DINH-EXC-0005", outsideBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.False(unknownBody.GetProperty("found").GetBoolean());
        var (log, audit) = await RecordsAsync(app, citizen.CitizenId);
        Assert.Contains(log, e => e.Kind == "verification" && e.Fields == "fullName dateOfBirth" && e.CaseReference == "SIM-0987654321");
        Assert.Contains(audit, r => r.Action == "exchange.person.verified");
    }

    [Fact]
    public async Task A_grant_that_needs_consent_works_only_while_the_citizen_consents()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "VCB");
        await member.GrantAsync(Datasets.Verification, "fullName", "bank-ekyc", consentRequired: true);
        using var client = await member.ClientAsync("bank-ekyc");
        var request = new { personalIdNumber = citizen.Number, fullName = citizen.Name };

        var (before, beforeBody) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", request);
        await SetConsentAsync(app, citizen.CitizenId, member.Identifier, "bank-ekyc", given: true);
        var (during, _) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", request);
        await SetConsentAsync(app, citizen.CitizenId, member.Identifier, "bank-ekyc", given: false);
        var (after, afterBody) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", request);

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal("DINH-EXC-0006", beforeBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Equal("DINH-EXC-0006", afterBody.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_member_over_its_rate_gets_429_with_Retry_After_and_a_disabled_member_is_refused()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "SLOW", rate: 1);
        await member.GrantAsync(Datasets.Person, "fullName", Purpose);
        using var client = await member.ClientAsync(Purpose);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await client.GetAsync($"/api/exchange/persons/{citizen.Number}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }
        Assert.NotNull(limited);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var limitedBody = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
        Assert.Equal("DINH-EXC-0009", limitedBody.RootElement.GetProperty("code").GetString());

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<MemberAdministration>()
                .SetStatusAsync(member.Identifier, MemberStatus.Disabled, "system:test", CancellationToken.None));
        }
        var (disabled, disabledBody) = await ExchangeDriver.GetAsync(client, $"/api/exchange/persons/{citizen.Number}");
        Assert.Equal(HttpStatusCode.Forbidden, disabled.StatusCode);
        Assert.Equal("DINH-EXC-0002", disabledBody.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_pull_feed_gives_births_deaths_their_cancellations_and_name_changes_once_each_in_order_filtered_by_the_grant()
    {
        var app = fixture.Require();
        using var member = await ExchangeDriver.RegisterMemberAsync(app, "BHXHFEED");
        await member.GrantAsync(Datasets.Events, "birth death", Purpose);
        using var client = await member.ClientAsync(Purpose);
        var (start, startBody) = await ExchangeDriver.GetAsync(client, "/api/exchange/events?limit=500");
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var cursor = await DrainAsync(client, startBody.GetProperty("next").GetInt64());

        var registry = new RegistryDriver(app);
        using var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var born = await RegistryDriver.RegisterBirthAsync(officer, RegistryDriver.UniqueName("Feed"), "2026-01-02", "female");
        var number = born.GetProperty("personalIdNumber").GetString()!;
        using (var rename = await officer.PostAsJsonAsync("/api/registry/events/name-changes", new
        {
            citizenId = born.GetProperty("id").GetGuid(), version = born.GetProperty("version").GetInt32(), fullName = RegistryDriver.UniqueName("Renamed"),
            occurredOn = "2026-02-01", purpose = RegistryDriver.Purpose, legalBasis = "QĐ-TĐ-1",
        }))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }
        using (var death = await officer.PostAsJsonAsync("/api/registry/events/deaths", new
        {
            citizenId = born.GetProperty("id").GetGuid(), version = born.GetProperty("version").GetInt32() + 1, dateOfDeath = "2026-03-01",
            purpose = RegistryDriver.Purpose, legalBasis = "KT-1",
        }))
        {
            Assert.Equal(HttpStatusCode.OK, death.StatusCode);
        }
        // A death registered in error and cancelled: the member granted deaths is told of the cancellation too.
        using (var cancelled = await officer.PostAsJsonAsync("/api/registry/events/deaths/cancel", new
        {
            citizenId = born.GetProperty("id").GetGuid(), version = born.GetProperty("version").GetInt32() + 2, purpose = RegistryDriver.Purpose,
            legalBasis = "Quyết định hủy việc đăng ký khai tử số 3/QĐ-UBND",
        }))
        {
            Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        }

        var (page, body) = await ExchangeDriver.GetAsync(client, $"/api/exchange/events?after={cursor}&limit=10");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var events = body.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("personalIdNumber").GetString() == number).ToList();
        Assert.Equal(["birth", "death", "death-cancelled"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal("2026-03-01", events[1].GetProperty("data").GetProperty("dateOfDeath").GetString());
        Assert.Equal("2026-03-01", events[2].GetProperty("data").GetProperty("cancelledDateOfDeath").GetString());
        Assert.True(events[0].GetProperty("sequence").GetInt64() < events[1].GetProperty("sequence").GetInt64());
        var next = body.GetProperty("next").GetInt64();
        var (again, againBody) = await ExchangeDriver.GetAsync(client, $"/api/exchange/events?after={next}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.DoesNotContain(againBody.GetProperty("events").EnumerateArray(), e => e.GetProperty("personalIdNumber").GetString() == number);

        // The name change was published too, but only to members whose grant names it.
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var feed = scope.ServiceProvider.GetRequiredService<Dinh.Registry.Contracts.RegistryChangeFeed>();
        var all = await feed.ReadAsync(cursor, 1000, CancellationToken.None);
        Assert.Equal(["birth", "name", "death", "death-cancelled"], all.Where(c => c.PersonalIdNumber == number).Select(c => c.Kind));
        var (log, _) = await RecordsAsync(app, born.GetProperty("id").GetGuid());
        Assert.Equal(3, log.Count(e => e.Kind == "event" && e.MemberIdentifier == member.Identifier));
    }

    [Fact]
    public async Task The_feed_numbers_a_change_that_commits_late_after_those_already_read()
    {
        var app = fixture.Require();
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<Dinh.Registry.Persistence.RegistryDbContext>();
        var feed = scope.ServiceProvider.GetRequiredService<Dinh.Registry.Contracts.RegistryChangeFeed>();
        await feed.SequenceAsync(100_000, CancellationToken.None);
        var seen = await feed.LastSequenceAsync(CancellationToken.None);

        // Two changes inserted with ids in one order; the one with the lower id becomes visible (is numbered) second.
        var early = new Dinh.Registry.Changes.RegistryChange { EventId = Guid.CreateVersion7(), Kind = "death", CitizenId = Guid.NewGuid(), Data = "{}" };
        var late = new Dinh.Registry.Changes.RegistryChange { EventId = Guid.CreateVersion7(), Kind = "death", CitizenId = Guid.NewGuid(), Data = "{}" };
        registry.RegistryChanges.AddRange(early, late);
        await registry.SaveChangesAsync();
        await registry.RegistryChanges.Where(c => c.Id == early.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Sequence, -1L));
        await feed.SequenceAsync(100_000, CancellationToken.None);
        var first = await feed.ReadAsync(seen, 100, CancellationToken.None);
        await registry.RegistryChanges.Where(c => c.Id == early.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Sequence, (long?)null));
        await feed.SequenceAsync(100_000, CancellationToken.None);
        var second = await feed.ReadAsync(first.Max(c => c.Sequence), 100, CancellationToken.None);

        Assert.Contains(first, c => c.EventId == late.EventId);
        Assert.Contains(second, c => c.EventId == early.EventId);
    }

    [Fact]
    public async Task dinh_members_and_grants_register_a_telecom_operator_that_can_then_verify_subscribers()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(publicOnly) { KeyId = "k1" });
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, JsonSerializer.Serialize(jwk));
        var identifier = $"VN/COM/CLI{Guid.NewGuid().ToString("N")[..6]}/sim";

        var added = await app.RunDinhAsync("members", "add", identifier, "--name", "Nhà mạng thử nghiệm", "--jwks-file", keyFile);
        var badGrant = await app.RunDinhAsync("grants", "add", identifier, "--dataset", "verification", "--field", "religion",
            "--purpose", "sim-subscriber-verification", "--legal-basis", "Nghị định 163/2024");
        var grant = await app.RunDinhAsync("grants", "add", identifier, "--dataset", "verification", "--field", "fullName", "dateOfBirth",
            "--purpose", "sim-subscriber-verification", "--legal-basis", "Nghị định 163/2024/NĐ-CP, Điều 17");
        var grants = await app.RunDinhAsync("grants", "list", identifier);
        var members = await app.RunDinhAsync("members", "list");

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal(2, badGrant.ExitCode);
        Assert.True(grant.ExitCode == 0, grant.Error);
        Assert.Contains("sim-subscriber-verification", grants.Output, StringComparison.Ordinal);
        Assert.Contains(identifier, members.Output, StringComparison.Ordinal);
        using var telecom = new TestMember(app, identifier, key);
        using var client = await telecom.ClientAsync("sim-subscriber-verification", "SIM-0912000111");
        var (ok, body) = await ExchangeDriver.PostAsync(client, "/api/exchange/verifications", new
        {
            personalIdNumber = citizen.Number, fullName = citizen.Name, dateOfBirth = "1990-05-01",
        });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(body.GetProperty("matches").GetProperty("fullName").GetBoolean());
        Assert.True(body.GetProperty("matches").GetProperty("dateOfBirth").GetBoolean());
    }

    [Fact]
    public async Task Sector_records_are_written_only_by_the_member_owning_the_type_and_read_under_a_grant()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var transport = await ExchangeDriver.RegisterMemberAsync(app, "CSGT");
        using var other = await ExchangeDriver.RegisterMemberAsync(app, "OTHER");
        using var reader = await ExchangeDriver.RegisterMemberAsync(app, "READER");
        await transport.GrantAsync(Datasets.RecordsWrite, "driving-licence", "driving-licence-issuance");
        await reader.GrantAsync(Datasets.Records, "driving-licence", "traffic-enforcement");
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var (owned, _) = await scope.ServiceProvider.GetRequiredService<MemberAdministration>().AddGrantAsync(other.Identifier, Datasets.RecordsWrite,
                ["driving-licence"], ["driving-licence-issuance"], "x", false, "system:test", CancellationToken.None);
            Assert.Equal("type-owned", owned);
        }
        using var writer = await transport.ClientAsync("driving-licence-issuance", "GPLX-2026-1");
        using var intruder = await other.ClientAsync("driving-licence-issuance");
        using var police = await reader.ClientAsync("traffic-enforcement", "VP-2026-9");
        var record = new { personalIdNumber = citizen.Number, attributes = new Dictionary<string, string> { ["class"] = "B", ["issuedBy"] = "Sở GTVT Hà Nội" },
            validFrom = "2026-01-10", validUntil = "2036-01-10" };

        using var created = await writer.PutAsJsonAsync("/api/exchange/records/driving-licence/AB123456", record);
        using var foreign = await intruder.PutAsJsonAsync("/api/exchange/records/driving-licence/AB123456", record);
        using var unknownType = await writer.PutAsJsonAsync("/api/exchange/records/passport/X1", record);
        using var badDates = await writer.PutAsJsonAsync("/api/exchange/records/driving-licence/AB2", record with { validUntil = "2020-01-01" });
        var (read, records) = await ExchangeDriver.GetAsync(police, $"/api/exchange/persons/{citizen.Number}/records");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badDates.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var licence = Assert.Single(records.EnumerateArray());
        Assert.Equal("AB123456", licence.GetProperty("recordNumber").GetString());
        Assert.Equal("B", licence.GetProperty("attributes").GetProperty("class").GetString());
        Assert.Equal(transport.Identifier, licence.GetProperty("owner").GetString());
        var (log, _) = await RecordsAsync(app, citizen.CitizenId);
        Assert.Contains(log, e => e.Kind == "record" && e.MemberIdentifier == transport.Identifier);
        Assert.Contains(log, e => e.Kind == "lookup" && e.MemberIdentifier == reader.Identifier && e.Fields == "driving-licence");
        Assert.Contains(log, e => e.Kind == "refused" && e.MemberIdentifier == other.Identifier);
    }

    private static async Task<long> DrainAsync(HttpClient client, long cursor)
    {
        for (var i = 0; i < 100; i++)
        {
            var (_, body) = await ExchangeDriver.GetAsync(client, $"/api/exchange/events?after={cursor}&limit=500");
            var next = body.GetProperty("next").GetInt64();
            if (next == cursor)
            {
                return cursor;
            }
            cursor = next;
        }
        return cursor;
    }

    internal static async Task<(List<Dinh.Exchange.Access.AccessLogEntry> Log, List<AuditRecord> Audit)> RecordsAsync(DinhApp app, Guid citizenId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        var log = await db.AccessLog.AsNoTracking().Where(e => e.CitizenId == citizenId).ToListAsync();
        var audit = await db.Set<AuditRecord>().AsNoTracking().Where(r => r.Subject == $"citizen:{citizenId}" && r.Action.StartsWith("exchange.")).ToListAsync();
        return (log, audit);
    }

    private static async Task SetConsentAsync(DinhApp app, Guid citizenId, string identifier, string purpose, bool given)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var consents = scope.ServiceProvider.GetRequiredService<Dinh.Exchange.Access.CitizenConsents>();
        var memberId = await scope.ServiceProvider.GetRequiredService<ExchangeDbContext>().Members.Where(m => m.Identifier == identifier).Select(m => m.Id).FirstAsync();
        Assert.True(given
            ? await consents.GiveAsync(citizenId, memberId, purpose, CancellationToken.None)
            : await consents.WithdrawAsync(citizenId, memberId, purpose, CancellationToken.None));
    }

    private static async Task<string> ForeignTokenAsync()
    {
        // A well-formed ES256 JWT from an issuer Dinh does not know.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        await Task.Yield();
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            TokenType = "at+jwt", Issuer = "https://evil.example/", Audience = "dinh",
            Claims = new Dictionary<string, object> { ["sub"] = "x", ["client_id"] = "x", ["scope"] = "exchange" },
            IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256),
        });
    }
}

public sealed class ExchangeTestsOnSqlite(ExchangeSqliteApp app) : ExchangeTests(app), IClassFixture<ExchangeSqliteApp>;

public sealed class ExchangeTestsOnPostgres(ExchangePostgresApp app) : ExchangeTests(app), IClassFixture<ExchangePostgresApp>;

/// <summary>Retries in fractions of a second, so that "down, then up" and "parked" fit in a test.</summary>
public sealed class ExchangeSqliteApp : DinhApp
{
    internal static readonly IReadOnlyDictionary<string, string?> Fast = new Dictionary<string, string?>
    {
        ["Dinh:Exchange:PollInterval"] = "00:00:00.100",
        ["Dinh:Exchange:FirstRetryDelay"] = "00:00:00.200",
        ["Dinh:Exchange:MaxRetryDelay"] = "00:00:01",
        ["Dinh:Exchange:MaxAttempts"] = "4",
        ["Dinh:Exchange:WebhookTimeout"] = "00:00:01",
    };

    protected override IReadOnlyDictionary<string, string?> Settings => Fast;

    protected override Task<TestDatabase?> CreateDatabaseAsync() => Task.FromResult<TestDatabase?>(TestDatabase.CreateSqlite());
}

public sealed class ExchangePostgresApp : DinhApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => ExchangeSqliteApp.Fast;

    protected override Task<TestDatabase?> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync();
}
