using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// Guardians who are not parents (Decree 69/2024 Art. 7; Civil Code 2015 Art. 46–62): the commune registers the
/// guardianship in the registry with its legal basis and dates; a level-2 guardian registers the ward's account while
/// it is in effect, sees the link, and is refused once it has ended.
/// </summary>
public abstract class GuardianTests(DinhApp fixture)
{
    private const string Basis = "Quyết định cử người giám hộ số 12/QĐ-UBND";

    [Fact]
    public async Task A_registered_guardian_with_level_2_registers_the_ward_and_sees_the_link_and_the_change_is_audited()
    {
        var app = fixture.Require();
        var guardian = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var registry = new RegistryDriver(app);
        using var clerk = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var (ward, wardName) = await WardAsync(clerk, "2019-03-04");
        using var browser = await AccountsDriver.SignInCitizenAsync(app, guardian);

        using var beforeGuardianship = await RegisterChildAsync(browser, ward, wardName, "2019-03-04");
        Assert.Equal(HttpStatusCode.BadRequest, beforeGuardianship.StatusCode);
        using var registered = await GuardianshipAsync(clerk, ward, guardian.CitizenId, startsOn: "2025-01-01", endsOn: null);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        using var created = await RegisterChildAsync(browser, ward, wardName, "2019-03-04");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var account = await AccountOfAsync(app, RegistryDriver.Id(ward));
        Assert.NotNull(account);
        Assert.Equal(guardian.AccountId, account.GuardianAccountId);
        Assert.Equal(AssuranceLevel.Level1, account.Level);
        var list = await browser.GetStringAsync("/account/children");
        Assert.Contains(ward.GetProperty("personalIdNumber").GetString()!, list, StringComparison.Ordinal);
        Assert.Contains("người giám hộ", list, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r =>
            r.Action == "registry.guardianship.registered" && r.Subject == $"citizen:{RegistryDriver.Id(ward)}" && r.LegalBasis == Basis)));
        Assert.Equal(1, await app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r =>
            r.Action == "account.registered.by-guardian" && r.Subject == $"citizen:{RegistryDriver.Id(ward)}" && r.Details!.Contains(Basis))));
    }

    [Fact]
    public async Task Once_the_guardianship_has_ended_the_former_guardian_is_refused_and_the_ward_account_is_unlinked()
    {
        var app = fixture.Require();
        var guardian = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var registry = new RegistryDriver(app);
        using var clerk = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var (ended, endedName) = await WardAsync(clerk, "2018-06-07");
        var (current, currentName) = await WardAsync(clerk, "2020-01-02");
        using (await GuardianshipAsync(clerk, ended, guardian.CitizenId, startsOn: "2024-01-01", endsOn: "2024-12-31"))
        using (await GuardianshipAsync(clerk, current, guardian.CitizenId, startsOn: "2025-01-01", endsOn: null))
        {
        }
        using var browser = await AccountsDriver.SignInCitizenAsync(app, guardian);

        using var refused = await RegisterChildAsync(browser, ended, endedName, "2018-06-07");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("đã chấm dứt", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await AccountOfAsync(app, RegistryDriver.Id(ended)));

        using (var created = await RegisterChildAsync(browser, current, currentName, "2020-01-02"))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        var latest = await RegistryDriver.GetAsync(clerk, RegistryDriver.Id(current));
        using var end = await clerk.PostAsJsonAsync("/api/registry/events/guardianships/end", new
        {
            wardId = RegistryDriver.Id(current), version = RegistryDriver.Version(latest), guardianId = guardian.CitizenId,
            endedOn = Today(), purpose = RegistryDriver.Purpose, legalBasis = "Quyết định chấm dứt giám hộ số 3/QĐ-UBND",
        });
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        // The ward's account is unlinked from the former guardian, audited with the end's legal basis.
        var wardAccount = await AccountOfAsync(app, RegistryDriver.Id(current));
        Assert.NotNull(wardAccount);
        Assert.Null(wardAccount.GuardianAccountId);
        Assert.DoesNotContain(currentName, await browser.GetStringAsync("/account/children"), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r =>
            r.Action == "registry.guardianship.ended" && r.Subject == $"citizen:{RegistryDriver.Id(current)}")));
        Assert.Equal(1, await app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r => r.Action == "account.guardian-unlinked"
            && r.Subject == $"account:{wardAccount.Id}" && r.LegalBasis == "Quyết định chấm dứt giám hộ số 3/QĐ-UBND; Decree 69/2024 Art. 7")));
        await AssertReleasedAsync(app, wardAccount, current);
    }

    [Fact]
    public async Task A_guardianship_that_reaches_its_last_day_releases_the_ward_and_a_new_guardian_takes_the_account_over()
    {
        var app = fixture.Require();
        var former = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var next = await CitizenAccounts.CreateAsync(app, AssuranceLevel.Level2);
        var registry = new RegistryDriver(app);
        using var clerk = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var (ward, wardName) = await WardAsync(clerk, "2017-10-11");
        // The expiry job's day, Vietnam's (UTC+7): a UTC date is the day before from 17:00 UTC on.
        var today = VietnamTime.Today(TimeProvider.System);
        var lastDay = today.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using (var registered = await GuardianshipAsync(clerk, ward, former.CitizenId, startsOn: "2025-01-01", endsOn: lastDay))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }
        using var formerBrowser = await AccountsDriver.SignInCitizenAsync(app, former);
        using (var created = await RegisterChildAsync(formerBrowser, ward, wardName, "2017-10-11"))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        var job = app.Factory.Services.GetRequiredService<GuardianshipExpiry>();

        // Still in effect on its last day: nothing to release. The day after: released, once.
        Assert.Equal(0, await job.ReleaseEndedAsync(TimeProvider.System.GetUtcNow().AddDays(2), CancellationToken.None));
        Assert.Equal(former.AccountId, (await AccountOfAsync(app, RegistryDriver.Id(ward)))!.GuardianAccountId);
        Assert.Equal(1, await job.ReleaseEndedAsync(TimeProvider.System.GetUtcNow().AddDays(3), CancellationToken.None));
        Assert.Equal(0, await job.ReleaseEndedAsync(TimeProvider.System.GetUtcNow().AddDays(3), CancellationToken.None));
        var released = (await AccountOfAsync(app, RegistryDriver.Id(ward)))!;
        Assert.Null(released.GuardianAccountId);
        await AssertReleasedAsync(app, released, ward);

        // The new guardian, registered by the commune, takes the released account over with a password of their own.
        using (var registered = await GuardianshipAsync(clerk, ward, next.CitizenId, startsOn: today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), endsOn: null))
        {
            Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        }
        using var nextBrowser = await AccountsDriver.SignInCitizenAsync(app, next);
        using (var takenOver = await RegisterChildAsync(nextBrowser, ward, wardName, "2017-10-11"))
        {
            Assert.Equal(HttpStatusCode.OK, takenOver.StatusCode);
        }
        var account = (await AccountOfAsync(app, RegistryDriver.Id(ward)))!;
        Assert.Equal(released.Id, account.Id);
        Assert.Equal(next.AccountId, account.GuardianAccountId);
        Assert.NotNull(account.PasswordHash);
        Assert.Equal(1, await app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r =>
            r.Action == "account.taken-over.by-guardian" && r.Subject == $"account:{account.Id}")));
        // The former guardian cannot take it back: the account is linked again.
        using var again = await RegisterChildAsync(formerBrowser, ward, wardName, "2017-10-11");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    /// <summary>A released ward's account keeps nothing of the former guardian's: no password, no contact details, no session.</summary>
    private static async Task AssertReleasedAsync(DinhApp app, Account ward, JsonElement citizen)
    {
        Assert.Null(ward.PasswordHash);
        Assert.Null(ward.PhoneNumber);
        Assert.False(ward.PhoneNumberConfirmed);
        using var browser = app.CreateClient();
        using var login = await AccountsDriver.PostLoginAsync(browser, citizen.GetProperty("personalIdNumber").GetString()!, "mat-khau-cua-con-2026");
        Assert.NotEqual(HttpStatusCode.Redirect, login.StatusCode);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Sessions.AnyAsync(s => s.AccountId == ward.Id && s.RevokedAt == null));
    }

    [Fact]
    public async Task A_guardianship_needs_an_adult_living_guardian_who_is_not_a_parent_and_a_legal_basis()
    {
        var app = fixture.Require();
        var registry = new RegistryDriver(app);
        using var clerk = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        var (ward, _) = await WardAsync(clerk, "2019-09-09");
        var (minor, _) = await WardAsync(clerk, "2012-01-01");
        var adult = await CitizenAccounts.CreateAsync(app);

        using var young = await GuardianshipAsync(clerk, ward, RegistryDriver.Id(minor), startsOn: "2025-01-01", endsOn: null);
        using var noBasis = await GuardianshipAsync(clerk, ward, adult.CitizenId, startsOn: "2025-01-01", endsOn: null, basis: "");
        using var backwards = await GuardianshipAsync(clerk, ward, adult.CitizenId, startsOn: "2025-01-01", endsOn: "2024-01-01");
        using var nobody = await GuardianshipAsync(clerk, ward, Guid.CreateVersion7(), startsOn: "2025-01-01", endsOn: null);

        await RegistryDriver.AssertFieldAsync(young, "guardianId", "minor");
        await RegistryDriver.AssertFieldAsync(noBasis, "legalBasis", "required");
        await RegistryDriver.AssertFieldAsync(backwards, "endsOn", "before-start");
        await RegistryDriver.AssertFieldAsync(nobody, "guardianId", "not-found");
        using var twice1 = await GuardianshipAsync(clerk, ward, adult.CitizenId, startsOn: "2025-01-01", endsOn: null);
        Assert.Equal(HttpStatusCode.OK, twice1.StatusCode);
        using var twice2 = await GuardianshipAsync(clerk, ward, adult.CitizenId, startsOn: "2025-06-01", endsOn: null);
        Assert.Equal(HttpStatusCode.Conflict, twice2.StatusCode);
    }

    private static async Task<(JsonElement Ward, string Name)> WardAsync(HttpClient clerk, string dateOfBirth)
    {
        var name = RegistryDriver.UniqueName("Giám");
        return (await RegistryDriver.RegisterBirthAsync(clerk, name, dateOfBirth, "female"), name);
    }

    private static async Task<HttpResponseMessage> GuardianshipAsync(HttpClient clerk, JsonElement ward, Guid guardianId, string startsOn, string? endsOn,
        string basis = Basis)
    {
        var current = await RegistryDriver.GetAsync(clerk, RegistryDriver.Id(ward));
        return await clerk.PostAsJsonAsync("/api/registry/events/guardianships", new
        {
            wardId = RegistryDriver.Id(ward), version = RegistryDriver.Version(current), guardianId, startsOn, endsOn,
            purpose = RegistryDriver.Purpose, legalBasis = basis,
        });
    }

    private static Task<HttpResponseMessage> RegisterChildAsync(HttpClient browser, JsonElement ward, string name, string dateOfBirth) =>
        AccountsDriver.RegisterChildAsync(browser, ward.GetProperty("personalIdNumber").GetString()!, name, dateOfBirth);

    private static async Task<Account?> AccountOfAsync(DinhApp app, Guid citizenId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.CitizenId == citizenId);
    }

    private static string Today() => VietnamTime.Today(TimeProvider.System).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed class GuardianTestsOnSqlite(SqliteApp app) : GuardianTests(app), IClassFixture<SqliteApp>;

public sealed class GuardianTestsOnPostgres(PostgresApp app) : GuardianTests(app), IClassFixture<PostgresApp>;
