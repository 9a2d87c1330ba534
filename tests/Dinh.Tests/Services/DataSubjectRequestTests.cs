using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Dinh.Tests.Exchange;
using Dinh.Tests.HostedRegistries;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dinh.Tests.Services.ServicesDriver;

namespace Dinh.Tests.Services;

/// <summary>
/// A data-subject request made from "who used my data" and approved by the population-data steward: an access request
/// is answered with a document generated from the data at approval; a correction request leads to the registry's correction.
/// </summary>
public abstract class DataSubjectRequestTests(DinhApp fixture)
{
    private ServicesDriver Portal => new(fixture.Require());

    [Fact]
    public async Task Approving_an_access_request_answers_it_with_everything_held_on_the_citizen_as_a_document_fixed_at_approval()
    {
        var app = Portal.App;
        var (citizen, client) = await Portal.CitizenWithHouseholdAsync();
        using var insurer = await ExchangeDriver.RegisterMemberAsync(app, "BHXH");
        await insurer.GrantAsync(Datasets.Person, "fullName dateOfBirth", "health-insurance-card");
        using var bank = await ExchangeDriver.RegisterMemberAsync(app, "VCB");
        await bank.GrantAsync(Datasets.Verification, "fullName", "bank-ekyc", consentRequired: true);
        using var land = await ExchangeDriver.RegisterMemberAsync(app, "TNMT");
        await land.GrantAsync(Datasets.RecordsWrite, "land-plot", "land-registration");
        using var owner = await ExchangeDriver.RegisterMemberAsync(app, "SLD");
        var code = await HostedRegistryDriver.LoadCopyAsync(app, owner.Identifier);
        var plot = "TD-" + Guid.NewGuid().ToString("N")[..8];
        using (var lookup = await insurer.ClientAsync("health-insurance-card", "BHYT-2026-5"))
        {
            using var read = await lookup.GetAsync(new Uri($"/api/exchange/persons/{citizen.Number}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        using (var writer = await land.ClientAsync("land-registration", "SD-2026-1"))
        {
            using var put = await writer.PutAsJsonAsync($"/api/exchange/records/land-plot/{plot}", new
            {
                personalIdNumber = citizen.Number, attributes = new Dictionary<string, string> { ["area"] = "120 m2", ["commune"] = "Ba Đình" },
                validFrom = "2026-01-10",
            });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        using (var registryOwner = await owner.ClientAsync("social-assistance-payment", "QD-2026-40"))
        {
            var (created, _) = await HostedRegistryDriver.PostAsync(registryOwner, $"/data/{code}/1.0/create",
                new { write = new { content = HostedRegistryDriver.Record("BTXH-HN-000900", citizen.Number, citizen.Name) } });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var bankId = await scope.ServiceProvider.GetRequiredService<ExchangeDbContext>().Members.Where(m => m.Identifier == bank.Identifier).Select(m => m.Id).SingleAsync();
            Assert.True(await scope.ServiceProvider.GetRequiredService<CitizenConsents>().GiveAsync(citizen.CitizenId, bankId, "bank-ekyc", CancellationToken.None));
        }

        using var submitted = await SubmitAsync(client, "personal-data-request", new Dictionary<string, string>
        {
            ["requestKind"] = "access", ["details"] = "Tôi muốn biết toàn bộ dữ liệu nhà nước đang lưu về tôi", ["unitCode"] = RegistryDriver.BaDinh,
        });
        var dossier = await OkAsync(submitted, HttpStatusCode.Created);
        var id = dossier.GetProperty("id").GetGuid();
        using var steward = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var approved = await DecideOkAsync(steward, await DecideOkAsync(steward, await QueueItemAsync(steward, dossier.GetProperty("receiptCode").GetString()!), "accept"), "approve");
        // After the approval: not in the answer, which is the data as it was when the officer approved.
        using (var later = await insurer.ClientAsync("health-insurance-card", "BHYT-2026-6"))
        {
            using var read = await later.GetAsync(new Uri($"/api/exchange/persons/{citizen.Number}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.Equal("access", approved.GetProperty("result").GetProperty("requestKind").GetString());
        var documents = await OkAsync(await client.GetAsync(new Uri("/api/services/documents", UriKind.Relative)));
        var document = Assert.Single(documents.EnumerateArray(), d => d.GetProperty("dossierId").GetGuid() == id);
        Assert.Equal("personal-data-request-answer", document.GetProperty("document").GetString());
        Assert.Equal($"/api/services/dossiers/{id}/result.json", document.GetProperty("downloadJson").GetString());

        var mine = await client.GetStringAsync(new Uri("/citizen/dossiers", UriKind.Relative));
        Assert.Contains($"href=\"/api/services/dossiers/{id}/result.json\"", mine, StringComparison.Ordinal);
        using var jsonResponse = await client.GetAsync(new Uri($"/api/services/dossiers/{id}/result.json", UriKind.Relative));
        var bytes = await jsonResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:", jsonResponse.Headers.GetValues("Content-Digest").Single());
        var answer = JsonDocument.Parse(bytes).RootElement;
        var record = answer.GetProperty("populationRecord");
        Assert.Equal((citizen.Number, citizen.Name), (record.GetProperty("personalIdNumber").GetString(), record.GetProperty("fullName").GetString()));
        Assert.Contains(record.GetProperty("residences").EnumerateArray(), r => r.GetProperty("addressLine").GetString() == "12 Phố Đội Cấn");
        var sector = Assert.Single(answer.GetProperty("sectorRecords").EnumerateArray());
        Assert.Equal((plot, "120 m2"), (sector.GetProperty("recordNumber").GetString(), sector.GetProperty("attributes").GetProperty("area").GetString()));
        var hosted = Assert.Single(answer.GetProperty("hostedRegistryRecords").EnumerateArray());
        Assert.Equal(("BTXH-HN-000900", $"{code}/1.0"), (hosted.GetProperty("recordKey").GetString(), hosted.GetProperty("registryCode").GetString()));
        Assert.Equal(500000, hosted.GetProperty("content").GetProperty("monthlyAllowance").GetInt32());
        var consent = Assert.Single(answer.GetProperty("consents").EnumerateArray());
        Assert.Equal(("bank-ekyc", JsonValueKind.Null), (consent.GetProperty("purpose").GetString(), consent.GetProperty("withdrawnAt").ValueKind));
        var log = answer.GetProperty("accessLog").EnumerateArray().ToList();
        Assert.Contains(log, e => e.GetProperty("kind").GetString() == "lookup" && e.GetProperty("caseReference").GetString() == "BHYT-2026-5");
        Assert.Contains(log, e => e.GetProperty("kind").GetString() == "record-created" && e.GetProperty("fields").GetString()!.StartsWith($"{code}/BTXH-HN-000900", StringComparison.Ordinal));
        Assert.DoesNotContain(log, e => e.GetProperty("caseReference").GetString() == "BHYT-2026-6");
        Assert.Equal(log.Count, answer.GetProperty("accessLogTotal").GetInt32());

        using var html = await client.GetAsync(new Uri($"/api/services/dossiers/{id}/result", UriKind.Relative));
        // The document encodes Latin-1 letters as character references (WebUtility.HtmlEncode): compared as read.
        var page = WebUtility.HtmlDecode(await html.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains("Thông tin trong Cơ sở dữ liệu quốc gia về dân cư", page, StringComparison.Ordinal);
        Assert.Contains(citizen.Name, page, StringComparison.Ordinal);
        Assert.Contains("12 Phố Đội Cấn", page, StringComparison.Ordinal);
        Assert.Contains(plot, page, StringComparison.Ordinal);
        Assert.Contains("BTXH-HN-000900", page, StringComparison.Ordinal);
        Assert.Contains("BHYT-2026-5", page, StringComparison.Ordinal);
        Assert.Contains("bank-ekyc", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(document.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(await html.Content.ReadAsByteArrayAsync())));
        // The same bytes at every download: the answer is stored, not regenerated.
        Assert.Equal(bytes, await client.GetByteArrayAsync(new Uri($"/api/services/dossiers/{id}/result.json", UriKind.Relative)));

        var (_, stranger) = await Portal.CitizenWithHouseholdAsync();
        using var peek = await stranger.GetAsync(new Uri($"/api/services/dossiers/{id}/result.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<ExchangeDbContext>().Set<AuditRecord>().AsNoTracking()
                .Where(r => r.Subject == $"citizen:{citizen.CitizenId}" && r.Action.StartsWith("services.")).Select(r => new { r.Action, r.Details }).ToListAsync();
            var answered = Assert.Single(audit, r => r.Action == "services.data-subject.answered");
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), answered.Details, StringComparison.Ordinal);
            Assert.Equal(2, audit.Count(r => r.Action == "services.result.downloaded" && r.Details!.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), StringComparison.Ordinal)));
        }
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Approving_a_restriction_request_withdraws_every_consent_and_names_the_sharing_the_law_requires_which_goes_on()
    {
        var app = Portal.App;
        var (citizen, client) = await Portal.CitizenWithHouseholdAsync();
        using var bank = await ExchangeDriver.RegisterMemberAsync(app, "TCB");
        await bank.GrantAsync(Datasets.Verification, "fullName", "bank-ekyc", consentRequired: true);
        using var insurer = await ExchangeDriver.RegisterMemberAsync(app, "BHXH");
        await insurer.GrantAsync(Datasets.Person, "fullName", "health-insurance-card");
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var bankId = await scope.ServiceProvider.GetRequiredService<ExchangeDbContext>().Members.Where(m => m.Identifier == bank.Identifier).Select(m => m.Id).SingleAsync();
            Assert.True(await scope.ServiceProvider.GetRequiredService<CitizenConsents>().GiveAsync(citizen.CitizenId, bankId, "bank-ekyc", CancellationToken.None));
        }
        using (var before = await bank.ClientAsync("bank-ekyc", "EKYC-R1"))
        {
            var (ok, _) = await ExchangeDriver.PostAsync(before, "/api/exchange/verifications", new { personalIdNumber = citizen.Number, fullName = citizen.Name });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var submitted = await SubmitAsync(client, "personal-data-request", new Dictionary<string, string>
        {
            ["requestKind"] = "restriction", ["details"] = "Tôi không muốn ngân hàng dùng dữ liệu của tôi nữa", ["unitCode"] = RegistryDriver.BaDinh,
        });
        var dossier = await OkAsync(submitted, HttpStatusCode.Created);
        var receipt = dossier.GetProperty("receiptCode").GetString()!;
        using var steward = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var approved = await DecideOkAsync(steward, await DecideOkAsync(steward, await QueueItemAsync(steward, receipt), "accept"), "approve");

        var result = approved.GetProperty("result");
        Assert.Equal("restriction", result.GetProperty("requestKind").GetString());
        Assert.Equal($"1: Công ty TCB (bank-ekyc)", result.GetProperty("consentsWithdrawn").GetString());
        Assert.Contains("Công ty BHXH", result.GetProperty("sharingRequiredByLaw").GetString(), StringComparison.Ordinal);
        using (var after = await bank.ClientAsync("bank-ekyc", "EKYC-R2"))
        {
            var (refused, body) = await ExchangeDriver.PostAsync(after, "/api/exchange/verifications", new { personalIdNumber = citizen.Number, fullName = citizen.Name });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("DINH-EXC-0006", body.GetProperty("code").GetString());
        }
        using (var statutory = await insurer.ClientAsync("health-insurance-card", "BHYT-R1"))
        {
            using var read = await statutory.GetAsync(new Uri($"/api/exchange/persons/{citizen.Number}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var exchange = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
            Assert.All(await exchange.Consents.AsNoTracking().Where(c => c.CitizenId == citizen.CitizenId).ToListAsync(), c => Assert.NotNull(c.WithdrawnAt));
            var withdrawn = Assert.Single(await exchange.Set<AuditRecord>().AsNoTracking()
                .Where(r => r.Subject == $"citizen:{citizen.CitizenId}" && r.Action == "exchange.consent.withdrawn").ToListAsync());
            Assert.StartsWith("officer:", withdrawn.Actor, StringComparison.Ordinal);
            Assert.Contains(receipt, withdrawn.LegalBasis, StringComparison.Ordinal);
        }
        Assert.True((await app.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Approving_a_correction_request_leads_the_steward_to_the_registrys_correction_with_the_dossier_as_legal_basis()
    {
        var (citizen, client) = await Portal.CitizenWithHouseholdAsync();
        using var submitted = await SubmitAsync(client, "personal-data-request", new Dictionary<string, string>
        {
            ["requestKind"] = "correction", ["details"] = "Quê quán ghi sai: Hà Tây, đúng là Nam Định", ["unitCode"] = RegistryDriver.BaDinh,
        });
        var dossier = await OkAsync(submitted, HttpStatusCode.Created);
        var id = dossier.GetProperty("id").GetGuid();
        var receipt = dossier.GetProperty("receiptCode").GetString()!;
        using var steward = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var accepted = await DecideOkAsync(steward, await QueueItemAsync(steward, receipt), "accept");
        var approved = await DecideOkAsync(steward, accepted, "approve");
        var officerPage = await steward.GetStringAsync(new Uri($"/officer/dossiers/{id}", UriKind.Relative));

        Assert.Equal("correction", approved.GetProperty("result").GetProperty("requestKind").GetString());
        Assert.Contains(receipt, approved.GetProperty("result").GetProperty("registryCorrection").GetString(), StringComparison.Ordinal);
        var link = System.Text.RegularExpressions.Regex.Match(officerPage, "id=\"registry-correction\".*?href=\"([^\"]+)\"", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(link.Success, officerPage);
        var path = System.Net.WebUtility.HtmlDecode(link.Groups[1].Value);
        Assert.StartsWith($"/officer/citizens/{citizen.CitizenId}/correct?", path, StringComparison.Ordinal);
        var form = await steward.GetStringAsync(new Uri(path, UriKind.Relative));
        // The registry's correction form opens on the applicant's record with the dossier in its legal basis.
        Assert.Contains(citizen.Name, form, StringComparison.Ordinal);
        Assert.Matches($"name=\"legalBasis\"[^>]*value=\"[^\"]*hồ sơ {receipt}\"|value=\"[^\"]*hồ sơ {receipt}\"[^>]*name=\"legalBasis\"", form);
        // A correction is answered by the correction itself: no data export comes with it.
        using var noExport = await client.GetAsync(new Uri($"/api/services/dossiers/{id}/result.json", UriKind.Relative));
        await RegistryDriver.ProblemAsync(noExport, HttpStatusCode.NotFound, "DINH-SVC-0019");
    }
}

public sealed class DataSubjectRequestTestsOnSqlite(ServicesSqliteApp app) : DataSubjectRequestTests(app), IClassFixture<ServicesSqliteApp>;

public sealed class DataSubjectRequestTestsOnPostgres(ServicesPostgresApp app) : DataSubjectRequestTests(app), IClassFixture<ServicesPostgresApp>;
