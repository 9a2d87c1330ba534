using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Dinh.Registry.Quality;
using Dinh.Registry.Units;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dinh.Tests.Registry.RegistryDriver;

namespace Dinh.Tests.Registry;

/// <summary>
/// Data quality: `dinh quality check` and the stewards' worklist on a seeded population with hand-made flaws. The
/// expected findings are computed in C# from the same rows (PersonalIdNumber.Problem …), independently of the SQL.
/// </summary>
public abstract class QualityTests(DinhApp fixture)
{
    private RegistryDriver Registry => new(fixture.Require());

    [Fact]
    public async Task Quality_check_finds_exactly_the_flaws_is_idempotent_resolves_fixed_ones_and_counts_per_unit()
    {
        await SeedAsync();
        using var civil = await Registry.SignInAsync(CivilStatusBaDinh);
        var name = UniqueName("Trùng");
        var first = await RegisterBirthAsync(civil, name, "1991-03-04");
        var second = await RegisterBirthAsync(civil, name, "1991-03-04");
        var living = await WithDbAsync(db => db.Citizens.AsNoTracking().Where(c => c.Status == CitizenStatus.Living && c.FatherId == null
                && db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null))
            .OrderBy(c => c.PersonalIdNumber).Select(c => c.PersonalIdNumber).Take(5).ToListAsync());
        var deceased = await WithDbAsync(db => db.Citizens.AsNoTracking().Where(c => c.Status == CitizenStatus.Deceased)
            .Select(c => c.Id).FirstAsync());
        await Registry.App.TamperAsync("UPDATE citizens SET sex = 1 - sex WHERE personal_id_number = {0}", living[0]);
        await Registry.App.TamperAsync("UPDATE citizens SET birth_year = birth_year + 1 WHERE personal_id_number = {0}", living[1]);
        await Registry.App.TamperAsync("UPDATE citizens SET ethnicity_code = '' WHERE personal_id_number = {0}", living[2]);
        await Registry.App.TamperAsync("UPDATE residences SET unit_structure = 1 WHERE ended_on IS NULL AND citizen_id = " +
            "(SELECT id FROM citizens WHERE personal_id_number = {0})", living[3]);
        await WithDbAsync(async db =>
        {
            var today = Dinh.Platform.VietnamTime.Today(TimeProvider.System);
            foreach (var residence in await db.Residences.Where(r => r.CitizenId == deceased).ToListAsync())
            {
                residence.EndedOn = null;
                residence.EndReason = null;
            }
            db.Residences.Add(new Residence
            {
                Id = Guid.NewGuid(), CitizenId = Id(first), Kind = ResidenceKind.Temporary, UnitCode = HoanKiem, AddressLine = "Phòng 1",
                ValidFrom = today.AddDays(-400), ValidUntil = today.AddDays(-10),
            });
            return await db.SaveChangesAsync();
        });

        var run = await Registry.App.RunDinhAsync("quality", "check");
        var findings = await OpenFindingsAsync();
        var expected = await ExpectedAsync();

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("duplicate-candidate:", run.Output, StringComparison.Ordinal);
        Assert.Equal(expected.OrderBy(k => k), findings.Select(Key).OrderBy(k => k));
        Assert.Contains(findings, f => f.Kind == FindingKind.DuplicateCandidate && f.Score == 0.9
            && new[] { f.CitizenId, f.OtherCitizenId!.Value }.ToHashSet().SetEquals([Id(first), Id(second)]) && f.UnitCode == BaDinh);
        var byNumber = await WithDbAsync(db => db.Citizens.AsNoTracking().Where(c => living.Contains(c.PersonalIdNumber))
            .ToDictionaryAsync(c => c.PersonalIdNumber, c => c.Id));
        Assert.Contains(findings, f => f.Kind == FindingKind.IdNumberInconsistent && f.CitizenId == byNumber[living[0]] && f.Detail == "sex");
        Assert.Contains(findings, f => f.Kind == FindingKind.IdNumberInconsistent && f.CitizenId == byNumber[living[1]] && f.Detail == "birth-year");
        Assert.Contains(findings, f => f.Kind == FindingKind.MissingRequiredField && f.CitizenId == byNumber[living[2]] && f.Detail == "ethnicityCode");
        Assert.Contains(findings, f => f.Kind == FindingKind.AddressOnAbolishedUnit && f.CitizenId == byNumber[living[3]]);
        Assert.Contains(findings, f => f.Kind == FindingKind.DeceasedWithActiveResidence && f.CitizenId == deceased);
        Assert.Contains(findings, f => f.Kind == FindingKind.TemporaryResidenceExpired && f.CitizenId == Id(first));
        await AssertCountsMatchAsync();

        var again = await Registry.App.RunDinhAsync("quality", "check");
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.Equal(findings.Select(f => f.Id).Order(), (await OpenFindingsAsync()).Select(f => f.Id).Order());
        Assert.DoesNotContain("new, ", again.Output.Replace("(0 new, ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        await Registry.App.TamperAsync("UPDATE citizens SET sex = 1 - sex WHERE personal_id_number = {0}", living[0]);
        var fixedRun = await Registry.App.RunDinhAsync("quality", "check");
        var afterFix = await WithDbAsync(db => db.Findings.AsNoTracking().ToListAsync());

        Assert.True(fixedRun.ExitCode == 0, fixedRun.Output + fixedRun.Error);
        var resolved = Assert.Single(afterFix, f => f.Status == FindingStatus.Resolved);
        Assert.Equal((FindingKind.IdNumberInconsistent, byNumber[living[0]]), (resolved.Kind, resolved.CitizenId));
        Assert.Equal(findings.Count(f => f.Status == FindingStatus.Open) - 1, afterFix.Count(f => f.Status == FindingStatus.Open));
        await AssertCountsMatchAsync();
        Assert.Equal(3, await WithDbAsync(db => db.Set<AuditRecord>().CountAsync(r => r.Action == "registry.quality.checked" && r.Actor == QualityCheck.Actor)));
        Assert.True((await Registry.App.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Stewards_merge_and_dismiss_duplicates_audited_and_the_merged_number_finds_the_survivor()
    {
        await SeedAsync();
        using var civil = await Registry.SignInAsync(CivilStatusBaDinh);
        using var steward = await Registry.SignInAsync(StewardHanoi);
        var name = UniqueName("Gộp");
        var a = await RegisterBirthAsync(civil, name, "1988-07-09", "female");
        var b = await RegisterBirthAsync(civil, name, "1988-07-09", "female");
        var otherName = UniqueName("Khác");
        var c = await RegisterBirthAsync(civil, otherName, "1970-01-02");
        var d = await RegisterBirthAsync(civil, otherName, "1970-01-02");

        using var run = await steward.PostAsJsonAsync("/api/registry/quality/runs", new { unit = BaDinh, purpose = Purpose });
        Assert.True(run.StatusCode == HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
        var list = await GetJsonAsync(steward, $"/api/registry/quality/findings?kind=duplicate-candidate&status=open&unit={BaDinh}&pageSize=100");
        var pair = FindingOf(list, Id(a), Id(b));
        var other = FindingOf(list, Id(c), Id(d));

        using var refused = await civil.PostAsJsonAsync($"/api/registry/quality/findings/{pair}/dismissals", new { note = "khác người", purpose = Purpose });
        await ProblemAsync(refused, HttpStatusCode.Forbidden, "DINH-REG-0203");
        Assert.True(await WithDbAsync(db => db.Set<AuditRecord>().AnyAsync(r => r.Action == "registry.access.refused" && r.Subject == $"quality-finding:{pair}")));

        var review = await GetJsonAsync(steward, $"/api/registry/quality/findings/{pair}?purpose={Uri.EscapeDataString(Purpose)}");
        Assert.Equal(2, review.GetProperty("citizens").GetArrayLength());
        using var stale = await steward.PostAsJsonAsync($"/api/registry/quality/findings/{pair}/merges", new
        {
            survivorId = Id(b), survivorVersion = 7, mergedVersion = Version(a), purpose = Purpose, legalBasis = "Quyết định hợp nhất HS-01",
        });
        await ProblemAsync(stale, HttpStatusCode.Conflict, "DINH-REG-0003");
        using var merge = await steward.PostAsJsonAsync($"/api/registry/quality/findings/{pair}/merges", new
        {
            survivorId = Id(b), survivorVersion = Version(b), mergedVersion = Version(a), purpose = Purpose, legalBasis = "Quyết định hợp nhất HS-01",
        });
        Assert.True(merge.StatusCode == HttpStatusCode.OK, await merge.Content.ReadAsStringAsync());
        using var twice = await steward.PostAsJsonAsync($"/api/registry/quality/findings/{pair}/merges", new
        {
            survivorId = Id(b), survivorVersion = Version(b) + 1, mergedVersion = Version(a) + 1, purpose = Purpose, legalBasis = "HS-01",
        });
        await ProblemAsync(twice, HttpStatusCode.Conflict, "DINH-REG-0402");

        var found = await SearchAsync(steward, $"number={a.GetProperty("personalIdNumber").GetString()}");
        Assert.Equal(Id(b), Assert.Single(found.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var merged = await WithDbAsync(db => db.Citizens.AsNoTracking().SingleAsync(x => x.Id == Id(a)));
        Assert.Equal(Id(b), merged.MergedIntoId);
        Assert.True(await WithDbAsync(db => db.Changes.AnyAsync(x => x.CitizenId == Id(a) && x.Action == "registry.citizen.merged" && x.Version == 2)));
        Assert.True(await WithDbAsync(db => db.Changes.AnyAsync(x => x.CitizenId == Id(b) && x.Action == "registry.citizen.merge-survivor")));

        using var dismiss = await steward.PostAsJsonAsync($"/api/registry/quality/findings/{other}/dismissals", new { note = "Hai người khác nhau", purpose = Purpose });
        Assert.True(dismiss.StatusCode == HttpStatusCode.OK, await dismiss.Content.ReadAsStringAsync());
        using var rerun = await steward.PostAsJsonAsync("/api/registry/quality/runs", new { unit = BaDinh, purpose = Purpose });
        Assert.True(rerun.StatusCode == HttpStatusCode.OK, await rerun.Content.ReadAsStringAsync());

        var findings = await WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.Id == pair || f.Id == other).ToListAsync());
        Assert.Equal([FindingStatus.Merged, FindingStatus.Dismissed], findings.OrderBy(f => f.Id == other).Select(f => f.Status));
        Assert.False(await WithDbAsync(db => db.Findings.AnyAsync(f => f.Status == FindingStatus.Open && f.Kind == FindingKind.DuplicateCandidate
            && (f.CitizenId == Id(c) || f.CitizenId == Id(d) || f.CitizenId == Id(a) || f.CitizenId == Id(b)))));
        foreach (var action in new[] { "registry.quality.merged", "registry.quality.dismissed" })
        {
            Assert.True(await WithDbAsync(db => db.Set<AuditRecord>().AnyAsync(r => r.Action == action)), action);
        }
        var worklist = await steward.GetStringAsync($"/officer/quality?kind=duplicate-candidate&status=Dismissed&unit={BaDinh}");
        var page = await steward.GetStringAsync($"/officer/quality/{pair}");
        Assert.Contains($"/officer/quality/{other}", worklist, StringComparison.Ordinal);
        Assert.Contains("Đã gộp", page, StringComparison.Ordinal);
        Assert.Contains(b.GetProperty("personalIdNumber").GetString()!, page, StringComparison.Ordinal);

        using var outside = await (await Registry.SignInAsync(PoliceHoanKiem)).PostAsJsonAsync("/api/registry/quality/runs", new { purpose = Purpose });
        await ProblemAsync(outside, HttpStatusCode.Forbidden, "DINH-REG-0203");
        Assert.True((await Registry.App.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Merge_carries_residence_household_spouse_and_children_to_the_survivor()
    {
        await SeedAsync();
        using var civil = await Registry.SignInAsync(CivilStatusBaDinh);
        using var steward = await Registry.SignInAsync(StewardHanoi);
        var name = UniqueName("Hợp");
        var duplicate = await PermanentResidenceAsync(steward, await RegisterBirthAsync(civil, name, "1979-05-06"), BaDinh, "12 Phố Đội Cấn");
        var survivor = await RegisterBirthAsync(civil, name, "1979-05-06");
        var wife = await RegisterBirthAsync(civil, UniqueName("Vợ"), "1981-01-01", "female");
        await MarryAsync(civil, duplicate, wife);
        var child = await RegisterBirthAsync(civil, UniqueName("Con"), "2012-02-02", extra: new { fatherId = Id(duplicate), motherId = Id(wife) });
        var householdId = duplicate.GetProperty("household").GetProperty("id").GetGuid();
        var pair = await DuplicateFindingAsync(steward, duplicate, survivor);

        using var merge = await steward.PostAsJsonAsync($"/api/registry/quality/findings/{pair}/merges", new
        {
            survivorId = Id(survivor), survivorVersion = Version(survivor), mergedVersion = Version(await GetAsync(steward, Id(duplicate))),
            purpose = Purpose, legalBasis = "Quyết định hợp nhất HS-02",
        });

        Assert.True(merge.StatusCode == HttpStatusCode.OK, await merge.Content.ReadAsStringAsync());
        var now = await GetAsync(steward, Id(survivor));
        Assert.Equal(Id(wife), now.GetProperty("spouseId").GetGuid());
        Assert.Equal(Id(survivor), (await GetAsync(steward, Id(wife))).GetProperty("spouseId").GetGuid());
        Assert.Equal(Id(survivor), (await GetAsync(steward, Id(child))).GetProperty("fatherId").GetGuid());
        Assert.Equal(householdId, now.GetProperty("household").GetProperty("id").GetGuid());
        Assert.Equal(Id(survivor), now.GetProperty("household").GetProperty("headId").GetGuid());
        var residence = Assert.Single(now.GetProperty("residences").EnumerateArray(), r => r.GetProperty("active").GetBoolean());
        Assert.Equal("12 Phố Đội Cấn", residence.GetProperty("addressLine").GetString());
        Assert.Contains(now.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "Marriage");
        var left = await WithDbAsync(db => db.Residences.AsNoTracking().Where(r => r.CitizenId == Id(duplicate)).ToListAsync());
        Assert.All(left, r => Assert.Equal($"merged into {Id(survivor)}", r.EndReason));
        Assert.False(await WithDbAsync(db => db.HouseholdMembers.AnyAsync(m => m.CitizenId == Id(duplicate) && m.LeftOn == null)));
    }

    [Fact]
    public async Task Merge_of_records_married_to_different_people_is_refused_and_changes_nothing()
    {
        await SeedAsync();
        using var civil = await Registry.SignInAsync(CivilStatusBaDinh);
        using var steward = await Registry.SignInAsync(StewardHanoi);
        var name = UniqueName("Hai Vợ");
        var first = await RegisterBirthAsync(civil, name, "1975-03-03");
        var second = await RegisterBirthAsync(civil, name, "1975-03-03");
        await MarryAsync(civil, first, await RegisterBirthAsync(civil, UniqueName("Vợ"), "1976-01-01", "female"));
        await MarryAsync(civil, second, await RegisterBirthAsync(civil, UniqueName("Vợ"), "1977-01-01", "female"));
        var pair = await DuplicateFindingAsync(steward, first, second);

        using var merge = await steward.PostAsJsonAsync($"/api/registry/quality/findings/{pair}/merges", new
        {
            survivorId = Id(second), survivorVersion = Version(await GetAsync(steward, Id(second))),
            mergedVersion = Version(await GetAsync(steward, Id(first))), purpose = Purpose, legalBasis = "HS-03",
        });

        await ProblemAsync(merge, HttpStatusCode.Conflict, "DINH-REG-0004");
        Assert.Null(await WithDbAsync(db => db.Citizens.AsNoTracking().Where(c => c.Id == Id(first)).Select(c => c.MergedIntoId).SingleAsync()));
        Assert.Equal(FindingStatus.Open, await WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.Id == pair).Select(f => f.Status).SingleAsync()));
    }

    private static async Task MarryAsync(HttpClient civil, JsonElement husband, JsonElement wife)
    {
        using var response = await civil.PostAsJsonAsync("/api/registry/events/marriages", new
        {
            citizenId = Id(husband), version = Version(await GetAsync(civil, Id(husband))), spouseId = Id(wife), occurredOn = "2005-05-05",
            purpose = Purpose, legalBasis = "Giấy chứng nhận kết hôn KH-9",
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<long> DuplicateFindingAsync(HttpClient steward, JsonElement x, JsonElement y)
    {
        using var run = await steward.PostAsJsonAsync("/api/registry/quality/runs", new { unit = BaDinh, purpose = Purpose });
        Assert.True(run.StatusCode == HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
        return FindingOf(await GetJsonAsync(steward, $"/api/registry/quality/findings?kind=duplicate-candidate&status=open&unit={BaDinh}&pageSize=100"),
            Id(x), Id(y));
    }

    private static long FindingOf(JsonElement list, Guid x, Guid y) => list.GetProperty("items").EnumerateArray()
        .Single(f => new[] { f.GetProperty("citizenId").GetGuid(), f.GetProperty("otherCitizenId").GetGuid() }.ToHashSet().SetEquals([x, y]))
        .GetProperty("id").GetInt64();

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static readonly SemaphoreSlim Seeding = new(1, 1);

    private async Task SeedAsync()
    {
        await Registry.SeedUnitsAsync();
        await Seeding.WaitAsync();
        try
        {
            if (!await WithDbAsync(db => db.Citizens.AnyAsync()))
            {
                var seed = await Registry.App.RunDinhAsync("seed", "--citizens", "500", "--random-seed", "11");
                Assert.True(seed.ExitCode == 0, seed.Output + seed.Error);
            }
        }
        finally
        {
            Seeding.Release();
        }
    }

    private static string Key(DataQualityFinding f) => $"{f.Kind} {f.CitizenId} {f.SubjectId}";

    private Task<List<DataQualityFinding>> OpenFindingsAsync() =>
        WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.Status == FindingStatus.Open || f.Status == FindingStatus.Dismissed).ToListAsync());

    /// <summary>The findings the rules call for, computed in memory from every row.</summary>
    private async Task<List<string>> ExpectedAsync()
    {
        var today = Dinh.Platform.VietnamTime.Today(TimeProvider.System);
        var citizens = await WithDbAsync(db => db.Citizens.AsNoTracking().Where(c => c.MergedIntoId == null).ToListAsync());
        var residences = await WithDbAsync(db => db.Residences.AsNoTracking().ToListAsync());
        var households = await WithDbAsync(db => db.Households.AsNoTracking().ToListAsync());
        var communes = (await WithDbAsync(db => db.Units.AsNoTracking().Where(u => u.Level == UnitLevel.Commune).ToListAsync()))
            .Where(u => u.IsValidOn(today)).Select(u => u.Code).ToHashSet();
        var ids = citizens.Select(c => c.Id).ToHashSet();
        var expected = new List<string>();
        void Add(FindingKind kind, Guid citizen, Guid subject) => expected.Add($"{kind} {citizen} {subject}");

        foreach (var c in citizens)
        {
            if (PersonalIdNumber.Problem(c.PersonalIdNumber, c.Sex, c.BirthYear) is not null)
            {
                Add(FindingKind.IdNumberInconsistent, c.Id, c.Id);
            }
            if (new[] { c.FullName, c.EthnicityCode, c.Nationality, c.BirthRegistrationProvince, c.PersonalIdNumber }.Any(string.IsNullOrWhiteSpace))
            {
                Add(FindingKind.MissingRequiredField, c.Id, c.Id);
            }
            if (c.Status == CitizenStatus.Deceased && residences.Any(r => r.CitizenId == c.Id && r.EndedOn is null))
            {
                Add(FindingKind.DeceasedWithActiveResidence, c.Id, c.Id);
            }
        }
        var ordered = citizens.OrderBy(c => c.PersonalIdNumber, StringComparer.Ordinal).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count; j++)
            {
                var (x, y) = (ordered[i], ordered[j]);
                var sameBirth = x.NameKeyTone == y.NameKeyTone && x.DateOfBirth == y.DateOfBirth && x.BirthRegistrationProvince == y.BirthRegistrationProvince;
                var sameParents = x.NameKeyAscii == y.NameKeyAscii && (x.FatherId ?? x.MotherId) is not null && x.FatherId == y.FatherId && x.MotherId == y.MotherId;
                if (sameBirth || sameParents)
                {
                    Add(FindingKind.DuplicateCandidate, x.Id, y.Id);
                }
            }
        }
        foreach (var r in residences.Where(r => r.EndedOn is null && ids.Contains(r.CitizenId)))
        {
            if (r.Kind == ResidenceKind.Temporary && r.ValidUntil < today)
            {
                Add(FindingKind.TemporaryResidenceExpired, r.CitizenId, r.Id);
            }
            if (r.UnitStructure == AdministrativeStructure.ThreeLevel || !communes.Contains(r.UnitCode))
            {
                Add(FindingKind.AddressOnAbolishedUnit, r.CitizenId, r.Id);
            }
        }
        foreach (var h in households.Where(h => h.DissolvedOn is null && (h.UnitStructure == AdministrativeStructure.ThreeLevel || !communes.Contains(h.UnitCode))))
        {
            Add(FindingKind.AddressOnAbolishedUnit, h.HeadId, h.Id);
        }
        return expected;
    }

    private async Task AssertCountsMatchAsync()
    {
        var findings = await WithDbAsync(db => db.Findings.AsNoTracking().Where(f => f.Status == FindingStatus.Open).ToListAsync());
        var counts = await WithDbAsync(db => db.QualityCounts.AsNoTracking().ToListAsync());
        var expected = findings.GroupBy(f => (f.UnitCode ?? "", f.Kind)).Select(g => $"{g.Key.Item1} {g.Key.Kind} {g.Count()}").Order();
        Assert.Equal(expected, counts.Select(c => $"{c.UnitCode} {c.Kind} {c.OpenCount}").Order());
        Assert.Contains(counts, c => c.UnitCode == BaDinh && c.Kind == FindingKind.DuplicateCandidate && c.OpenCount >= 1);
    }

    private async Task<T> WithDbAsync<T>(Func<RegistryDbContext, Task<T>> work)
    {
        await using var scope = Registry.App.Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }
}

public sealed class QualityTestsOnSqlite(SqliteApp app) : QualityTests(app), IClassFixture<SqliteApp>;

public sealed class QualityTestsOnPostgres(PostgresApp app) : QualityTests(app), IClassFixture<PostgresApp>
{
    /// <summary>Another instance (or `dinh quality check`) holding the run lock: the run is refused with 409, not run twice.</summary>
    [Fact]
    public async Task A_second_run_while_one_holds_the_lock_is_refused()
    {
        var registry = new RegistryDriver(app.Require());
        using var steward = await registry.SignInAsync(StewardHanoi);
        await using var other = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({QualityCheck.RunLockKey})", other))
        {
            await take.ExecuteScalarAsync();
        }

        using var refused = await steward.PostAsJsonAsync("/api/registry/quality/runs", new { unit = BaDinh, purpose = Purpose });
        var cli = await app.RunDinhAsync("quality", "check", "--unit", BaDinh);
        await using (var release = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({QualityCheck.RunLockKey})", other))
        {
            await release.ExecuteScalarAsync();
        }
        using var accepted = await steward.PostAsJsonAsync("/api/registry/quality/runs", new { unit = BaDinh, purpose = Purpose });

        await ProblemAsync(refused, HttpStatusCode.Conflict, "DINH-REG-0404");
        Assert.Equal("60", refused.Headers.RetryAfter?.ToString());
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("in progress", cli.Error, StringComparison.Ordinal);
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
    }
}
