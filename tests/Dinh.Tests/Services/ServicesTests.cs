using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Services.Calendar;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dinh.Tests.Services.ServicesDriver;

namespace Dinh.Tests.Services;

/// <summary>The public-service portal through its API, on each database provider.</summary>
public abstract class ServicesTests(DinhApp fixture)
{
    private ServicesDriver Portal => new(fixture.Require());

    [Fact]
    public async Task Catalogue_ships_the_essential_services_and_both_bundles_as_versioned_definitions()
    {
        using var client = Portal.App.CreateClient();
        var all = await OkAsync(await client.GetAsync("/api/services/procedures"));
        var codes = all.EnumerateArray().Select(p => p.GetProperty("code").GetString()).ToList();

        Assert.True(codes.Count >= 12, string.Join(",", codes));
        foreach (var code in new[] { "birth-registration", "death-registration", "marriage-registration", "permanent-residence", "temporary-residence",
            "temporary-absence", "criminal-record-certificate", "driving-licence-exchange", "child-health-insurance", "funeral-allowance", "bundle-birth", "bundle-death" })
        {
            Assert.Contains(code, codes);
        }
        var search = await OkAsync(await client.GetAsync("/api/services/procedures?q=khai%20sinh"));
        Assert.Contains(search.EnumerateArray(), p => p.GetProperty("code").GetString() == "birth-registration");
        var birth = await OkAsync(await client.GetAsync("/api/services/procedures/bundle-birth"));
        Assert.Equal(3, birth.GetProperty("timeLimitWorkingDays").GetInt32());
        Assert.Equal(3, birth.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task A_new_definition_version_applies_to_new_dossiers_and_never_to_submitted_ones()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var before = await TemporaryResidenceAsync(citizen);
        using var admin = await Dinh.Tests.Identity.AccountsDriver.SignInStaffAsync(Portal.App, "quantri");
        var current = await OkAsync(await admin.GetAsync("/api/services/procedures/temporary-residence"));
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(current.GetRawText())!;
        json["timeLimitWorkingDays"] = JsonSerializer.SerializeToElement(2);
        using var anonymous = Portal.App.CreateClient();

        using var refused = await anonymous.PostAsJsonAsync("/api/services/admin/procedures", json);
        using var added = await admin.PostAsJsonAsync("/api/services/admin/procedures", json);
        var after = await TemporaryResidenceAsync(citizen);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var version = (await OkAsync(added, HttpStatusCode.Created)).GetProperty("version").GetInt32();
        Assert.Equal(before.GetProperty("procedureVersion").GetInt32() + 1, version);
        Assert.Equal(version, after.GetProperty("procedureVersion").GetInt32());
        var reread = await OkAsync(await citizen.GetAsync($"/api/services/dossiers/{before.GetProperty("id").GetGuid()}"));
        Assert.Equal(before.GetProperty("procedureVersion").GetInt32(), reread.GetProperty("procedureVersion").GetInt32());
        Assert.Equal(before.GetProperty("dueOn").GetString(), reread.GetProperty("dueOn").GetString());
    }

    [Fact]
    public async Task Submission_names_every_bad_field_and_takes_prefilled_data_from_the_registry_not_the_form()
    {
        var (mother, citizen) = await Portal.CitizenWithHouseholdAsync();

        using var bad = await SubmitAsync(citizen, "temporary-residence", new Dictionary<string, string>
        {
            ["validUntil"] = "2020-01-01", ["unitCode"] = "99999", ["applicantFullName"] = "Kẻ Mạo Danh",
        });
        var problem = await RegistryDriver.ProblemAsync(bad, HttpStatusCode.BadRequest, "DINH-SVC-0001");
        var problems = problem.GetProperty("problems");
        Assert.Equal("required", problems.GetProperty("addressLine").GetString());
        Assert.Equal("in-the-past", problems.GetProperty("validUntil").GetString());
        Assert.Equal("unknown-unit", problems.GetProperty("unitCode").GetString());

        var dossier = await TemporaryResidenceAsync(citizen);
        Assert.Equal(mother.Name, dossier.GetProperty("fields").GetProperty("applicantFullName").GetString());
        Assert.Equal(mother.Number, dossier.GetProperty("fields").GetProperty("applicantPersonalIdNumber").GetString());
        Assert.Matches("^00004-[0-9]{6}-[2-9A-Z]{6}$", dossier.GetProperty("receiptCode").GetString()!);
        Assert.Equal("Submitted", dossier.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_makes_one_dossier()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var fields = new Dictionary<string, string> { ["destination"] = "Đà Nẵng", ["absentUntil"] = Day(200), ["unitCode"] = RegistryDriver.BaDinh };
        var key = Guid.NewGuid().ToString();

        using var first = await SubmitAsync(citizen, "temporary-absence", fields, key);
        using var second = await SubmitAsync(citizen, "temporary-absence", fields, key);
        using var other = await SubmitAsync(citizen, "stay-notification", fields, key);

        var a = await OkAsync(first, HttpStatusCode.Created);
        var b = await OkAsync(second, HttpStatusCode.OK);
        Assert.Equal(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());
        await RegistryDriver.ProblemAsync(other, HttpStatusCode.Conflict, "DINH-SVC-0012");
        var mine = await OkAsync(await citizen.GetAsync("/api/services/dossiers"));
        Assert.Single(mine.EnumerateArray(), d => d.GetProperty("procedureCode").GetString() == "temporary-absence");
    }

    [Fact]
    public async Task Another_citizens_dossier_is_not_found_and_the_attempt_is_audited()
    {
        var (_, owner) = await Portal.CitizenWithHouseholdAsync();
        var (_, stranger) = await Portal.CitizenWithHouseholdAsync();
        var dossier = await TemporaryResidenceAsync(owner);
        var id = dossier.GetProperty("id").GetGuid();

        using var peek = await stranger.GetAsync($"/api/services/dossiers/{id}");
        using var withdraw = await stranger.PostAsJsonAsync($"/api/services/dossiers/{id}/withdraw", new { version = 1 });

        await RegistryDriver.ProblemAsync(peek, HttpStatusCode.NotFound, "DINH-SVC-0003");
        await RegistryDriver.ProblemAsync(withdraw, HttpStatusCode.NotFound, "DINH-SVC-0003");
        var refusals = await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .CountAsync(r => r.Action == "services.access.refused" && r.Details!.Contains(id.ToString())));
        Assert.Equal(2, refusals);
    }

    [Fact]
    public async Task An_officer_outside_the_commune_or_the_agency_is_refused_and_audited()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var dossier = await TemporaryResidenceAsync(citizen);
        using var otherCommune = await Portal.SignInOfficerAsync(PoliceHoanKiem);
        using var otherAgency = await Portal.SignInOfficerAsync(SocialInsuranceHanoi);
        using var own = await Portal.SignInOfficerAsync(PoliceBaDinh);

        using var read = await otherCommune.GetAsync($"/api/services/officer/dossiers/{dossier.GetProperty("id").GetGuid()}");
        using var accept = await DecideAsync(otherAgency, dossier, "accept");
        var queue = await OkAsync(await otherCommune.GetAsync("/api/services/officer/queue"));

        await RegistryDriver.ProblemAsync(read, HttpStatusCode.Forbidden, "DINH-SVC-0008");
        await RegistryDriver.ProblemAsync(accept, HttpStatusCode.Forbidden, "DINH-SVC-0008");
        Assert.DoesNotContain(queue.EnumerateArray(), d => d.GetProperty("id").GetGuid() == dossier.GetProperty("id").GetGuid());
        await QueueItemAsync(own, dossier.GetProperty("receiptCode").GetString()!);
        var id = dossier.GetProperty("id").GetString()!;
        Assert.Equal(2, await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .CountAsync(r => r.Action == "services.access.refused" && r.Details!.Contains(id))));
    }

    [Fact]
    public async Task Dossier_moves_through_accept_supplement_resubmit_approve_and_every_transition_is_recorded()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var police = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var dossier = await TemporaryResidenceAsync(citizen);

        using var tooEarly = await DecideAsync(police, dossier, "approve");
        using var noReason = await DecideAsync(police, dossier, "reject");
        var accepted = await DecideOkAsync(police, dossier, "accept");
        var paused = await DecideOkAsync(police, accepted, "supplement", "Thiếu giấy tờ chứng minh chỗ ở hợp pháp");
        using var resubmit = await citizen.PostAsJsonAsync($"/api/services/dossiers/{dossier.GetProperty("id").GetGuid()}/resubmit",
            new { version = paused.GetProperty("version").GetInt32(), fields = new { addressLine = "7 Ngõ Núi Trúc" } });
        var resubmitted = await OkAsync(resubmit);
        var approved = await DecideOkAsync(police, resubmitted, "approve");
        using var lateWithdraw = await citizen.PostAsJsonAsync($"/api/services/dossiers/{dossier.GetProperty("id").GetGuid()}/withdraw",
            new { version = approved.GetProperty("version").GetInt32() });

        await RegistryDriver.ProblemAsync(tooEarly, HttpStatusCode.Conflict, "DINH-SVC-0005");
        Assert.Equal("required", (await RegistryDriver.ProblemAsync(noReason, HttpStatusCode.BadRequest, "DINH-SVC-0001"))
            .GetProperty("problems").GetProperty("reason").GetString());
        Assert.Equal("SupplementRequested", paused.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, paused.GetProperty("supplementDueOn").ValueKind);
        Assert.Equal("7 Ngõ Núi Trúc", resubmitted.GetProperty("fields").GetProperty("addressLine").GetString());
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        await RegistryDriver.ProblemAsync(lateWithdraw, HttpStatusCode.Conflict, "DINH-SVC-0005");
        var mine = await OkAsync(await citizen.GetAsync($"/api/services/dossiers/{dossier.GetProperty("id").GetGuid()}"));
        Assert.Equal(["submitted", "accepted", "supplement-requested", "resubmitted", "approved"],
            mine.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!).ToArray());
        Assert.NotEqual(JsonValueKind.Null, mine.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task Approving_a_death_registration_records_the_death_in_the_registry_with_the_dossier_as_legal_basis()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var civil = await Portal.SignInOfficerAsync(CivilStatusBaDinh);
        var deceased = await RegistryDriver.RegisterBirthAsync(civil, RegistryDriver.UniqueName("Cụ"), "1931-02-03");
        using var submit = await SubmitAsync(citizen, "death-registration", new Dictionary<string, string>
        {
            ["deceasedPersonalIdNumber"] = deceased.GetProperty("personalIdNumber").GetString()!, ["dateOfDeath"] = Day(-2),
            ["unitCode"] = RegistryDriver.BaDinh,
        });
        var dossier = await OkAsync(submit, HttpStatusCode.Created);

        var approved = await DecideOkAsync(civil, await DecideOkAsync(civil, dossier, "accept"), "approve");

        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        var record = await RegistryDriver.GetAsync(civil, RegistryDriver.Id(deceased));
        Assert.Equal("Deceased", record.GetProperty("status").GetString());
        Assert.Equal(Day(-2), record.GetProperty("dateOfDeath").GetString());
        var death = Assert.Single(record.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "Death");
        Assert.Contains(dossier.GetProperty("receiptCode").GetString()!, death.GetProperty("legalBasis").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approving_a_marriage_links_both_spouses_in_the_approval_transaction_on_one_audit_chain()
    {
        var (applicant, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var civil = await Portal.SignInOfficerAsync(CivilStatusBaDinh);
        var spouse = await RegistryDriver.RegisterBirthAsync(civil, RegistryDriver.UniqueName("Anh"), "1988-03-04");
        var fields = new Dictionary<string, string>
        {
            ["spousePersonalIdNumber"] = spouse.GetProperty("personalIdNumber").GetString()!, ["unitCode"] = RegistryDriver.BaDinh,
        };
        using var submit = await SubmitAsync(citizen, "marriage-registration", fields);
        var dossier = await OkAsync(submit, HttpStatusCode.Created);
        var receipt = dossier.GetProperty("receiptCode").GetString()!;

        var approved = await DecideOkAsync(civil, await DecideOkAsync(civil, dossier, "accept"), "approve");

        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        var wife = await RegistryDriver.GetAsync(civil, applicant.CitizenId);
        var husband = await RegistryDriver.GetAsync(civil, RegistryDriver.Id(spouse));
        Assert.Equal(RegistryDriver.Id(spouse).ToString(), wife.GetProperty("spouseId").GetString());
        Assert.Equal(applicant.CitizenId.ToString(), husband.GetProperty("spouseId").GetString());
        var marriage = Assert.Single(wife.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "Marriage");
        Assert.Contains(receipt, marriage.GetProperty("legalBasis").GetString(), StringComparison.Ordinal);
        // The registry's records and the dossier's approval were written in one transaction, on one audit chain (so
        // two approvals can never hold two chain heads in opposite order).
        var approval = await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .Where(r => r.Action == "services.dossier.approve" && r.Details!.Contains(receipt)).SingleAsync());
        var sameRequest = await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .Where(r => r.RequestId == approval.RequestId).Select(r => new { r.Action, r.ChainId, r.LegalBasis }).ToListAsync());
        Assert.Equal(2, sameRequest.Count(r => r.Action == "registry.marriage.registered" && r.LegalBasis!.Contains(receipt, StringComparison.Ordinal)));
        Assert.Single(sameRequest.Select(r => r.ChainId).Distinct());

        // A second marriage of the same (now married) spouse: the registry refuses, nothing is written, the dossier waits.
        var (_, other) = await Portal.CitizenWithHouseholdAsync();
        using var again = await SubmitAsync(other, "marriage-registration", fields);
        var second = await DecideOkAsync(civil, await OkAsync(again, HttpStatusCode.Created), "accept");
        using var refused = await DecideAsync(civil, second, "approve");
        var problem = await RegistryDriver.ProblemAsync(refused, HttpStatusCode.Conflict, "DINH-SVC-0010");
        Assert.Equal("DINH-REG-0004", problem.GetProperty("registryCode").GetString());
        var unchanged = await OkAsync(await civil.GetAsync($"/api/services/officer/dossiers/{second.GetProperty("id").GetGuid()}"));
        Assert.Equal("InReview", unchanged.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Approving_a_residence_deregistration_ends_the_permanent_residence_with_the_dossier_as_legal_basis()
    {
        var (applicant, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var police = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var fields = new Dictionary<string, string>
        {
            ["subjectPersonalIdNumber"] = applicant.Number, ["reason"] = "Định cư ở nước ngoài", ["unitCode"] = RegistryDriver.BaDinh,
        };
        using var submit = await SubmitAsync(citizen, "residence-deregistration", fields);
        var dossier = await OkAsync(submit, HttpStatusCode.Created);
        var receipt = dossier.GetProperty("receiptCode").GetString()!;

        var approved = await DecideOkAsync(police, await DecideOkAsync(police, dossier, "accept"), "approve");

        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        using var steward = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var record = await RegistryDriver.GetAsync(steward, applicant.CitizenId);
        Assert.Equal(JsonValueKind.Null, record.GetProperty("household").ValueKind);
        var permanent = Assert.Single(record.GetProperty("residences").EnumerateArray(), r => r.GetProperty("kind").GetString() == "Permanent");
        Assert.False(permanent.GetProperty("active").GetBoolean());
        Assert.Equal("Định cư ở nước ngoài", permanent.GetProperty("endReason").GetString());
        var basis = await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .Where(r => r.Subject == $"citizen:{applicant.CitizenId}" && r.Action == "registry.residence.deregistered").Select(r => r.LegalBasis).SingleAsync());
        Assert.Contains(receipt, basis, StringComparison.Ordinal);

        // Nothing left to deregister: the registry refuses and the second dossier is not approved.
        using var again = await SubmitAsync(citizen, "residence-deregistration", fields);
        var second = await DecideOkAsync(police, await OkAsync(again, HttpStatusCode.Created), "accept");
        using var refused = await DecideAsync(police, second, "approve");
        await RegistryDriver.ProblemAsync(refused, HttpStatusCode.Conflict, "DINH-SVC-0010");
    }

    [Fact]
    public async Task The_result_of_an_approved_dossier_is_a_file_its_owner_downloads_and_keeps_among_their_documents()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var (_, stranger) = await Portal.CitizenWithHouseholdAsync();
        using var police = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var fields = new Dictionary<string, string> { ["destination"] = "Số 3 Phố Huế", ["absentUntil"] = Day(60), ["unitCode"] = RegistryDriver.BaDinh };
        var dossier = await OkAsync(await SubmitAsync(citizen, "temporary-absence", fields), HttpStatusCode.Created);
        var id = dossier.GetProperty("id").GetGuid();
        var receipt = dossier.GetProperty("receiptCode").GetString()!;
        using var early = await citizen.GetAsync($"/api/services/dossiers/{id}/result");
        await RegistryDriver.ProblemAsync(early, HttpStatusCode.NotFound, "DINH-SVC-0019");

        await DecideOkAsync(police, await DecideOkAsync(police, dossier, "accept"), "approve");
        using var download = await citizen.GetAsync($"/api/services/dossiers/{id}/result");
        using var again = await citizen.GetAsync($"/api/services/dossiers/{id}/result");
        using var foreign = await stranger.GetAsync($"/api/services/dossiers/{id}/result");
        var documents = await OkAsync(await citizen.GetAsync("/api/services/documents"));

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/html", download.Content.Headers.ContentType?.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        var html = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Contains(receipt, html, StringComparison.Ordinal);
        Assert.Contains($"{receipt}-KQ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var sha = System.Security.Cryptography.SHA256.HashData(bytes);
        Assert.Equal($"sha-256=:{Convert.ToBase64String(sha)}:", download.Headers.GetValues("Content-Digest").Single());
        Assert.Equal(bytes, await again.Content.ReadAsByteArrayAsync());
        var listed = Assert.Single(documents.EnumerateArray(), d => d.GetProperty("dossierId").GetGuid() == id);
        Assert.Equal(Convert.ToHexStringLower(sha), listed.GetProperty("sha256").GetString());
        await RegistryDriver.ProblemAsync(foreign, HttpStatusCode.NotFound, "DINH-SVC-0003");
        Assert.Equal(1, await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .CountAsync(r => r.Action == "services.access.refused" && r.Details!.Contains(id.ToString()))));
        Assert.Equal(2, await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .CountAsync(r => r.Action == "services.result.downloaded" && r.Details!.Contains(id.ToString()))));
    }

    [Fact]
    public async Task The_my_dossiers_page_shows_a_supplement_request_and_resubmits_the_corrected_fields()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var police = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var fields = new Dictionary<string, string> { ["destination"] = "Số 3 Phố Huế", ["absentUntil"] = Day(60), ["unitCode"] = RegistryDriver.BaDinh };
        var dossier = await OkAsync(await SubmitAsync(citizen, "temporary-absence", fields), HttpStatusCode.Created);
        var asked = await DecideOkAsync(police, await DecideOkAsync(police, dossier, "accept"), "supplement", "Ghi rõ số nhà nơi đến");
        var id = asked.GetProperty("id").GetGuid();
        var version = asked.GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var page = System.Net.WebUtility.HtmlDecode(await citizen.GetStringAsync("/citizen/dossiers"));
        var token = await DinhApp.GetAntiforgeryTokenAsync(citizen, "/citizen/dossiers");
        FormUrlEncodedContent Form(string absentUntil) => new(new Dictionary<string, string>
        {
            ["id"] = id.ToString(), ["version"] = version, ["fields[destination]"] = "Số 3A Phố Huế, Hai Bà Trưng",
            ["fields[absentUntil]"] = absentUntil, ["fields[unitCode]"] = RegistryDriver.BaDinh, ["__RequestVerificationToken"] = token,
        });
        using var invalid = await citizen.PostAsync("/citizen/dossiers?handler=Resubmit", Form(Day(-1)));
        var invalidPage = await invalid.Content.ReadAsStringAsync();
        using var resubmitted = await citizen.PostAsync("/citizen/dossiers?handler=Resubmit", Form(Day(90)));

        Assert.Contains("Ghi rõ số nhà nơi đến", page, StringComparison.Ordinal);
        Assert.Contains("name=\"fields[destination]\" value=\"Số 3 Phố Huế\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("absentUntil", invalidPage, StringComparison.Ordinal);
        Assert.True(resubmitted.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{resubmitted.StatusCode}");
        var mine = await OkAsync(await citizen.GetAsync($"/api/services/dossiers/{id}"));
        Assert.Equal("resubmitted", mine.GetProperty("history").EnumerateArray().Last().GetProperty("action").GetString());
        Assert.Equal("Số 3A Phố Huế, Hai Bà Trưng", mine.GetProperty("fields").GetProperty("destination").GetString());
    }

    [Fact]
    public async Task Administrators_pages_list_definition_versions_add_one_with_named_problems_and_edit_the_holiday_table()
    {
        using var admin = await Dinh.Tests.Identity.AccountsDriver.SignInStaffAsync(Portal.App, "quantri");
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var current = await OkAsync(await admin.GetAsync("/api/services/procedures/stay-notification"));
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(current.GetRawText())!;
        var token = await DinhApp.GetAntiforgeryTokenAsync(admin, "/admin/procedures");

        json["effect"] = JsonSerializer.SerializeToElement("teleport");
        using var invalid = await admin.PostAsync("/admin/procedures", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Definition"] = JsonSerializer.Serialize(json), ["__RequestVerificationToken"] = token,
        }));
        json["effect"] = JsonSerializer.SerializeToElement<string?>(null);
        json["timeLimitWorkingDays"] = JsonSerializer.SerializeToElement(1);
        using var valid = await admin.PostAsync("/admin/procedures", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Definition"] = JsonSerializer.Serialize(json), ["__RequestVerificationToken"] = token,
        }));
        var versions = System.Net.WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/procedures?code=stay-notification"));
        using var refused = await citizen.GetAsync("/admin/procedures");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("<code>effect</code>", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        var version = current.GetProperty("version").GetInt32() + 1;
        Assert.Contains($"stay-notification v{version}", System.Net.WebUtility.HtmlDecode(await valid.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains($"v{version} ·", versions, StringComparison.Ordinal);
        Assert.Contains($"v{version - 1} ·", versions, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);

        var year = DateOnly.Parse(Day(0), System.Globalization.CultureInfo.InvariantCulture).Year + 1;
        var day = $"{year}-09-03";
        var holidayToken = await DinhApp.GetAntiforgeryTokenAsync(admin, "/admin/holidays");
        using var missing = await admin.PostAsync("/admin/holidays?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Holiday.Date"] = day, ["Holiday.NameVi"] = "Nghỉ bù Quốc khánh", ["__RequestVerificationToken"] = holidayToken,
        }));
        using var added = await admin.PostAsync("/admin/holidays?handler=Add", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Holiday.Date"] = day, ["Holiday.NameVi"] = "Nghỉ bù Quốc khánh", ["Holiday.NameEn"] = "National Day (compensatory)",
            ["__RequestVerificationToken"] = holidayToken,
        }));
        var listed = await admin.GetStringAsync($"/admin/holidays?year={year}");
        using var removed = await admin.PostAsync($"/admin/holidays?handler=Remove&year={year}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["date"] = day, ["__RequestVerificationToken"] = holidayToken,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("<code>nameEn</code>", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains($"datetime=\"{day}\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain($"datetime=\"{day}\"", await removed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var holidays = await OkAsync(await admin.GetAsync($"/api/services/calendar/holidays?year={year}"));
        Assert.DoesNotContain(holidays.EnumerateArray(), h => h.GetProperty("date").GetString() == day);
    }

    [Fact]
    public async Task Two_officers_deciding_the_same_version_one_wins_the_other_gets_409()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var first = await Portal.SignInOfficerAsync(PoliceBaDinh);
        using var second = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var dossier = await TemporaryResidenceAsync(citizen);

        var responses = await Task.WhenAll(DecideAsync(first, dossier, "accept"), DecideAsync(second, dossier, "reject", "Không đủ điều kiện"));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("DINH-SVC-0004", (await loser.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var mine = await OkAsync(await citizen.GetAsync($"/api/services/dossiers/{dossier.GetProperty("id").GetGuid()}"));
        Assert.Equal(2, mine.GetProperty("history").GetArrayLength());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Attachments_are_typed_by_their_bytes_size_limited_scanned_and_readable_by_the_owner_and_the_officer_only()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var (_, stranger) = await Portal.CitizenWithHouseholdAsync();
        using var police = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var dossier = await TemporaryResidenceAsync(citizen);
        var id = dossier.GetProperty("id").GetGuid();
        var token = await DinhApp.GetAntiforgeryTokenAsync(citizen, "/citizen/services/temporary-residence");
        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n");

        async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name, string code = "lawful-dwelling")
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(code), "code" },
                { new StringContent(token), "__RequestVerificationToken" },
                { new ByteArrayContent(bytes) { Headers = { ContentType = new("application/pdf") } }, "file", name },
            };
            return await client.PostAsync($"/api/services/dossiers/{id}/attachments", form);
        }

        using var stored = await UploadAsync(citizen, pdf, "hop-dong-thue.pdf");
        using var disguised = await UploadAsync(citizen, System.Text.Encoding.ASCII.GetBytes("MZ\x90\x00 not a pdf"), "virus.pdf");
        using var large = await UploadAsync(citizen, [.. pdf, .. new byte[1_000_001]], "big.pdf");
        using var infected = await UploadAsync(citizen, [.. pdf, .. System.Text.Encoding.ASCII.GetBytes("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")], "eicar.pdf");
        using var wrongCode = await UploadAsync(citizen, pdf, "x.pdf", "no-such-document");

        var attachment = await OkAsync(stored, HttpStatusCode.Created);
        Assert.Equal("application/pdf", attachment.GetProperty("contentType").GetString());
        await RegistryDriver.ProblemAsync(disguised, HttpStatusCode.UnsupportedMediaType, "DINH-SVC-0015");
        await RegistryDriver.ProblemAsync(large, HttpStatusCode.RequestEntityTooLarge, "DINH-SVC-0014");
        await RegistryDriver.ProblemAsync(infected, (HttpStatusCode)422, "DINH-SVC-0016");
        Assert.Equal("unknown", (await RegistryDriver.ProblemAsync(wrongCode, HttpStatusCode.BadRequest, "DINH-SVC-0001")).GetProperty("problems").GetProperty("code").GetString());
        var path = $"/api/services/dossiers/{id}/attachments/{attachment.GetProperty("id").GetGuid()}";
        Assert.Equal(pdf, await citizen.GetByteArrayAsync(path));
        Assert.Equal(pdf, await police.GetByteArrayAsync($"/api/services/officer/dossiers/{id}/attachments/{attachment.GetProperty("id").GetGuid()}"));
        using var peek = await stranger.GetAsync(path);
        await RegistryDriver.ProblemAsync(peek, HttpStatusCode.NotFound, "DINH-SVC-0003");
        var mine = await OkAsync(await citizen.GetAsync($"/api/services/dossiers/{id}"));
        Assert.Single(mine.GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task A_data_subject_request_from_who_used_my_data_becomes_a_dossier_for_the_population_data_authority()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var usage = await citizen.GetStringAsync("/account/data-usage");
        Assert.Contains("href=\"/citizen/services/personal-data-request\"", usage, StringComparison.Ordinal);
        var form = await citizen.GetStringAsync("/citizen/services/personal-data-request");
        Assert.Contains("value=\"correction\"", form, StringComparison.Ordinal);

        using var unknownKind = await SubmitAsync(citizen, "personal-data-request",
            new Dictionary<string, string> { ["requestKind"] = "sell", ["details"] = "x", ["unitCode"] = RegistryDriver.BaDinh });
        var refused = await RegistryDriver.ProblemAsync(unknownKind, HttpStatusCode.BadRequest, "DINH-SVC-0001");
        Assert.Equal("unknown", refused.GetProperty("problems").GetProperty("requestKind").GetString());

        using var submitted = await SubmitAsync(citizen, "personal-data-request", new Dictionary<string, string>
        {
            ["requestKind"] = "correction", ["details"] = "Quê quán ghi sai: Hà Tây, đúng là Nam Định", ["unitCode"] = RegistryDriver.BaDinh,
        });
        var dossier = await OkAsync(submitted, HttpStatusCode.Created);
        using var steward = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var queued = await QueueItemAsync(steward, dossier.GetProperty("receiptCode").GetString()!);
        var answered = await DecideOkAsync(steward, await DecideOkAsync(steward, queued, "accept"), "approve");
        Assert.Equal("Approved", answered.GetProperty("status").GetString());
        var mine = await OkAsync(await citizen.GetAsync("/api/services/dossiers"));
        Assert.Contains(mine.EnumerateArray(), d => d.GetProperty("receiptCode").GetString() == dossier.GetProperty("receiptCode").GetString()
            && d.GetProperty("status").GetString() == "Approved");
    }

    [Fact]
    public async Task A_fee_is_paid_through_the_gateway_with_a_signed_callback_and_forged_callbacks_are_refused()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var justice = await Portal.SignInOfficerAsync("tuphap.hanoi");
        using var submitted = await SubmitAsync(citizen, "criminal-record-certificate",
            new Dictionary<string, string> { ["purposeOfUse"] = "Xin việc", ["unitCode"] = RegistryDriver.BaDinh });
        var dossier = await OkAsync(submitted, HttpStatusCode.Created);
        var id = dossier.GetProperty("id").GetGuid();
        var accepted = await DecideOkAsync(justice, await OkAsync(await justice.GetAsync($"/api/services/officer/dossiers/{id}")), "accept");
        using var unpaid = await DecideAsync(justice, accepted, "approve");
        var start = await OkAsync(await citizen.PostAsync($"/api/services/dossiers/{id}/payments", null), HttpStatusCode.Created);
        var paymentId = start.GetProperty("paymentId").GetGuid();
        var gateway = Portal.App.Factory.Services.GetRequiredService<Dinh.Services.Payments.DevelopmentPaymentGateway>();
        using var anonymous = Portal.App.CreateClient();

        using var forged = await anonymous.PostAsJsonAsync("/api/services/payments/callback",
            new { paymentId, amountVnd = 200000, status = "paid", reference = "X1", signature = new string('0', 64) });
        using var cheaper = await anonymous.PostAsJsonAsync("/api/services/payments/callback",
            new { paymentId, amountVnd = 1000, status = "paid", reference = "X2", signature = gateway.Sign(paymentId, 1000, "paid", "X2") });
        using var genuine = await anonymous.PostAsJsonAsync("/api/services/payments/callback",
            new { paymentId, amountVnd = 200000, status = "paid", reference = "X3", signature = gateway.Sign(paymentId, 200000, "paid", "X3") });

        await RegistryDriver.ProblemAsync(unpaid, HttpStatusCode.Conflict, "DINH-SVC-0018");
        Assert.Equal(200000, start.GetProperty("amountVnd").GetInt64());
        await RegistryDriver.ProblemAsync(forged, HttpStatusCode.BadRequest, "DINH-SVC-0017");
        await RegistryDriver.ProblemAsync(cheaper, HttpStatusCode.BadRequest, "DINH-SVC-0017");
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        var paid = await OkAsync(await justice.GetAsync($"/api/services/officer/dossiers/{id}"));
        Assert.True(paid.GetProperty("paidAt").ValueKind == JsonValueKind.String, paid.ToString());
        Assert.Equal("Approved", (await DecideOkAsync(justice, paid, "approve")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_citizen_pays_from_my_dossiers_on_the_development_gateway_page()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var submitted = await SubmitAsync(citizen, "driving-licence-exchange",
            new Dictionary<string, string> { ["licenceNumber"] = "010123456789", ["unitCode"] = RegistryDriver.BaDinh });
        var id = (await OkAsync(submitted, HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var page = await citizen.GetStringAsync("/citizen/dossiers");
        Assert.Contains("Nộp lệ phí (135,000 VND)", page, StringComparison.Ordinal);
        var token = await DinhApp.GetAntiforgeryTokenAsync(citizen, "/citizen/dossiers");
        using var pay = await citizen.PostAsync("/citizen/dossiers?handler=Pay",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id.ToString(), ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, pay.StatusCode);
        var gateway = pay.Headers.Location!.ToString();
        Assert.StartsWith("/dev/payment-gateway/", gateway, StringComparison.Ordinal);
        var gatewayToken = await DinhApp.GetAntiforgeryTokenAsync(citizen, gateway);
        using var confirm = await citizen.PostAsync(gateway, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = gatewayToken }));

        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var dossier = await OkAsync(await citizen.GetAsync($"/api/services/dossiers/{id}"));
        Assert.Equal(JsonValueKind.String, dossier.GetProperty("paidAt").ValueKind);
        Assert.Contains(dossier.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == "fee-paid");
    }

    [Fact]
    public async Task Birth_bundle_creates_the_child_joins_the_mothers_household_and_issues_a_health_insurance_card()
    {
        var (mother, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var civil = await Portal.SignInOfficerAsync(CivilStatusBaDinh);
        using var police = await Portal.SignInOfficerAsync(PoliceBaDinh);
        using var insurance = await Portal.SignInOfficerAsync(SocialInsuranceHanoi);
        var childName = RegistryDriver.UniqueName("Bé");

        using var submitted = await citizen.PostAsJsonAsync("/api/services/bundles", new
        {
            procedureCode = "bundle-birth", idempotencyKey = Guid.NewGuid().ToString(),
            fields = new { childFullName = childName, childDateOfBirth = Day(-3), childSex = "female", birthplace = "Bệnh viện Phụ sản Hà Nội", registrationUnitCode = RegistryDriver.BaDinh },
        });
        var bundle = await OkAsync(submitted, HttpStatusCode.Created);
        var bundleId = bundle.GetProperty("id").GetGuid();
        await Portal.AdvanceBundlesAsync();
        bundle = await MyBundleAsync(citizen, bundleId);
        Assert.Equal(["Submitted", "Waiting", "Waiting"], bundle.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToArray());

        var birth = await QueueItemAsync(civil, bundle.GetProperty("steps")[0].GetProperty("dossier").GetProperty("receiptCode").GetString()!);
        var accepted = await DecideOkAsync(civil, birth, "accept");
        var born = await DecideOkAsync(civil, accepted, "approve");
        var childId = Guid.Parse(born.GetProperty("result").GetProperty("childCitizenId").GetString()!);
        var childNumber = born.GetProperty("result").GetProperty("childPersonalIdNumber").GetString()!;
        using (var reader = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi))
        {
            Assert.DoesNotContain("12 Phố Đội Cấn", (await RegistryDriver.GetAsync(reader, childId)).ToString(), StringComparison.Ordinal);
        }
        await Portal.AdvanceBundlesAsync();
        bundle = await MyBundleAsync(citizen, bundleId);
        var residence = await QueueItemAsync(police, bundle.GetProperty("steps")[1].GetProperty("dossier").GetProperty("receiptCode").GetString()!);
        var card = await QueueItemAsync(insurance, bundle.GetProperty("steps")[2].GetProperty("dossier").GetProperty("receiptCode").GetString()!);
        await DecideOkAsync(police, await DecideOkAsync(police, residence, "accept"), "approve");
        var issued = await DecideOkAsync(insurance, await DecideOkAsync(insurance, card, "accept"), "approve");
        await Portal.AdvanceBundlesAsync();

        bundle = await MyBundleAsync(citizen, bundleId);
        Assert.Equal("Completed", bundle.GetProperty("status").GetString());
        Assert.All(bundle.GetProperty("steps").EnumerateArray(), s => Assert.Equal("Approved", s.GetProperty("status").GetString()));
        Assert.StartsWith("TE101", issued.GetProperty("result").GetProperty("cardNumber").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(childNumber[^10..], issued.GetProperty("result").GetProperty("cardNumber").GetString(), StringComparison.Ordinal);
        using var steward = await Portal.SignInOfficerAsync(RegistryDriver.StewardHanoi);
        var child = await RegistryDriver.GetAsync(steward, childId);
        Assert.Equal(childNumber, child.GetProperty("personalIdNumber").GetString());
        Assert.Equal(mother.CitizenId.ToString(), child.GetProperty("motherId").GetString());
        // The child's permanent residence is the mother's household address, registered by the police step.
        Assert.Contains("12 Phố Đội Cấn", child.ToString(), StringComparison.Ordinal);
        var legalBasis = await Portal.App.WithPlatformDbAsync(db => db.Set<AuditRecord>()
            .Where(r => r.Subject == $"citizen:{childId}" && r.Action.StartsWith("registry.")).Select(r => r.LegalBasis).ToListAsync());
        // Other registry records of the child (the steward's read above) carry no legal basis; the rows come in no order.
        Assert.Contains(legalBasis, b => b is not null && b.Contains(born.GetProperty("receiptCode").GetString()!, StringComparison.Ordinal));
        var mine = await OkAsync(await citizen.GetAsync("/api/services/dossiers"));
        Assert.Equal(3, mine.EnumerateArray().Count(d => d.GetProperty("bundleId").GetString() == bundleId.ToString()));
    }

    [Fact]
    public async Task A_rejected_birth_registration_stops_the_dependent_steps_and_tells_the_mother_why()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var civil = await Portal.SignInOfficerAsync(CivilStatusBaDinh);
        using var submitted = await citizen.PostAsJsonAsync("/api/services/bundles", new
        {
            procedureCode = "bundle-birth",
            fields = new { childFullName = RegistryDriver.UniqueName("Bé"), childDateOfBirth = Day(-2), childSex = "male", birthplace = "Hà Nội", registrationUnitCode = RegistryDriver.BaDinh },
        });
        var bundleId = (await OkAsync(submitted, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Portal.AdvanceBundlesAsync();
        var birth = await QueueItemAsync(civil, (await MyBundleAsync(citizen, bundleId)).GetProperty("steps")[0].GetProperty("dossier").GetProperty("receiptCode").GetString()!);

        await DecideOkAsync(civil, birth, "reject", "Giấy chứng sinh không hợp lệ");
        await Portal.AdvanceBundlesAsync();

        var bundle = await MyBundleAsync(citizen, bundleId);
        Assert.Equal("Stopped", bundle.GetProperty("status").GetString());
        Assert.Contains("Giấy chứng sinh không hợp lệ", bundle.GetProperty("stopReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Rejected", "Waiting", "Waiting"], bundle.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_bundle_left_half_done_by_a_stopped_instance_resumes_on_restarted_workers_with_no_step_lost_or_doubled()
    {
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        using var civil = await Portal.SignInOfficerAsync(CivilStatusBaDinh);
        using var submitted = await citizen.PostAsJsonAsync("/api/services/bundles", new
        {
            procedureCode = "bundle-birth",
            fields = new { childFullName = RegistryDriver.UniqueName("Bé"), childDateOfBirth = Day(-1), childSex = "male", birthplace = "Hà Nội", registrationUnitCode = RegistryDriver.BaDinh },
        });
        var bundleId = (await OkAsync(submitted, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Portal.AdvanceBundlesAsync();
        var birth = await QueueItemAsync(civil, (await MyBundleAsync(citizen, bundleId)).GetProperty("steps")[0].GetProperty("dossier").GetProperty("receiptCode").GetString()!);
        await DecideOkAsync(civil, await DecideOkAsync(civil, birth, "accept"), "approve");
        // The fixture's instance runs no worker: the approval committed and marked the bundle, nothing advanced it,
        // as if the instance had died right after the decision.
        Assert.Equal(["Approved", "Waiting", "Waiting"],
            (await MyBundleAsync(citizen, bundleId)).GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToArray());

        var workers = new List<DinhFactory>();
        var count = Portal.App.Provider == "Postgres" ? 2 : 1;
        for (var i = 0; i < count; i++)
        {
            workers.Add((await Portal.App.StartInstanceAsync(settings: new Dictionary<string, string?> { ["Dinh:Services:BundleWorker"] = "true" })).Factory);
        }
        JsonElement bundle = default;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            bundle = await MyBundleAsync(citizen, bundleId);
            if (bundle.GetProperty("steps").EnumerateArray().All(s => s.GetProperty("status").GetString() != "Waiting"))
            {
                break;
            }
            await Task.Delay(200);
        }
        foreach (var worker in workers)
        {
            await Portal.App.StopInstanceAsync(worker);
        }

        Assert.Equal(["Approved", "Submitted", "Submitted"], bundle.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()!).ToArray());
        var mine = await OkAsync(await citizen.GetAsync("/api/services/dossiers"));
        Assert.Equal(3, mine.EnumerateArray().Count(d => d.GetProperty("bundleId").GetString() == bundleId.ToString()));
    }
}

public sealed class ServicesTestsOnSqlite(ServicesSqliteApp app) : ServicesTests(app), IClassFixture<ServicesSqliteApp>;

public sealed class ServicesTestsOnPostgres(ServicesPostgresApp app) : ServicesTests(app), IClassFixture<ServicesPostgresApp>;

/// <summary>Deadline arithmetic on the shipped holiday table.</summary>
public sealed class WorkingDaysTests
{
    private static readonly WorkingDays Calendar = new(new HashSet<DateOnly>
    {
        new(2026, 2, 16), new(2026, 2, 17), new(2026, 2, 18), new(2026, 2, 19), new(2026, 2, 20), new(2026, 4, 27), new(2026, 4, 30), new(2026, 5, 1),
    });

    [Theory]
    [InlineData("2026-02-13", 0, "2026-02-13")] // Friday before Tết: the same working day
    [InlineData("2026-02-13", 1, "2026-02-23")] // Tết and its weekends are skipped
    [InlineData("2026-02-14", 0, "2026-02-23")] // filed on a Saturday in Tết: counts from the first working day
    [InlineData("2026-04-24", 3, "2026-05-04")] // Hùng Kings (compensatory Monday), 30 Apr and 1 May
    [InlineData("2026-11-23", 7, "2026-12-02")]
    public void Due_dates_skip_weekends_and_holidays(string filed, int days, string due) =>
        Assert.Equal(DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture),
            Calendar.Due(DateOnly.Parse(filed, System.Globalization.CultureInfo.InvariantCulture), days));

    [Fact]
    public void Working_days_left_count_only_working_days() =>
        Assert.Equal(1, Calendar.Between(new DateOnly(2026, 2, 13), new DateOnly(2026, 2, 23)));
}
