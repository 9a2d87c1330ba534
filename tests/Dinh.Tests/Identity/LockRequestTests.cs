using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dinh.Identity.Accounts;
using Dinh.Identity.Contracts;
using Dinh.Identity.Locks;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// Decree 69/2024 Art. 15: the police file a lock or unlock request, the C06 decides within 2 working days, and a lock
/// is lifted by itself once its reason is gone (a cancelled death, an end date).
/// </summary>
public abstract class LockRequestTests(DinhApp fixture)
{
    public const string C06 = "c06.quocgia";

    [Fact]
    public async Task Police_file_a_lock_request_the_C06_approves_it_and_the_citizen_learns_why_at_sign_in()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var citizenBrowser = await AccountsDriver.SignInCitizenAsync(app, citizen);
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using var c06 = await AccountsDriver.SignInStaffAsync(app, C06);

        using var noReason = await FileAsync(police, citizen.Number, LockGround.DeviceLostOrCompromised, " ");
        using var c06Files = await FileAsync(c06, citizen.Number, LockGround.DeviceLostOrCompromised, "Báo mất điện thoại");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, c06Files.StatusCode);

        using var filed = await FileAsync(police, citizen.Number, LockGround.DeviceLostOrCompromised, "Công dân báo mất điện thoại ngày 20/11");
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        using var again = await FileAsync(police, citizen.Number, LockGround.HolderRequest, "Lần hai");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var request = await OpenRequestAsync(app, citizen.AccountId);
        Assert.Equal(LockRequestKind.Lock, request.Kind);
        Assert.Equal(await DueAsync(app, request.FiledAt, 2), request.DueOn);
        Assert.Equal(AccountLock.None, (await AccountAsync(app, citizen.AccountId)).Lock);

        // The filing office sees it waiting, without the decision buttons; it cannot approve it.
        var officeQueue = await police.GetStringAsync("/officer/eid/locks");
        Assert.Contains(citizen.Number, officeQueue, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Approve", officeQueue, StringComparison.Ordinal);
        using var policeApproves = await DecideAsync(police, request.Id, "Approve");
        Assert.Equal(HttpStatusCode.Forbidden, policeApproves.StatusCode);

        var queue = await c06.GetStringAsync("/officer/eid/locks");
        Assert.Contains(citizen.Number, queue, StringComparison.Ordinal);
        Assert.Contains("Công dân báo mất điện thoại ngày 20/11", queue, StringComparison.Ordinal);
        using var approved = await DecideAsync(c06, request.Id, "Approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        using var twice = await DecideAsync(c06, request.Id, "Approve");
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        Assert.Equal(AccountLock.Police, (await AccountAsync(app, citizen.AccountId)).Lock);
        using (var ended = await citizenBrowser.GetAsync(new Uri("/account", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, ended.StatusCode);
        }
        using (var browser = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
            var page = await signIn.Content.ReadAsStringAsync();
            Assert.Contains("Công dân báo mất điện thoại ngày 20/11", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Công an Phường Hoàn Kiếm", page, StringComparison.Ordinal);
        }
        using (var browser = app.CreateClient(cookies: new CookieContainer()))
        using (var wrong = await AccountsDriver.PostLoginAsync(browser, citizen.Number, "not-the-password-2026"))
        {
            // A wrong password learns nothing of the lock.
            Assert.DoesNotContain("Công dân báo mất điện thoại", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var audit = await AuditAsync(app, citizen.AccountId);
        Assert.Contains(audit, a => a.Action == "account.lock-request.filed" && a.LegalBasis == LockRequests.LegalBasis && a.Actor.StartsWith("officer:", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "account.lock-request.approved" && a.LegalBasis == LockRequests.LegalBasis);
        Assert.Contains(audit, a => a.Action == "account.locked" && a.Purpose == "Công dân báo mất điện thoại ngày 20/11");
    }

    [Fact]
    public async Task An_unlock_request_refused_keeps_the_lock_and_one_approved_lets_the_citizen_in_and_shows_the_history()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using var c06 = await AccountsDriver.SignInStaffAsync(app, C06);
        using (var filed = await FileAsync(police, citizen.Number, LockGround.HolderRequest, "Chủ tài khoản đề nghị khóa"))
        {
            Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        }
        using (var approved = await DecideAsync(c06, (await OpenRequestAsync(app, citizen.AccountId)).Id, "Approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        using var wrongGround = await FileAsync(police, citizen.Number, LockGround.DeviceLostOrCompromised, "Mở khóa");
        Assert.Equal(HttpStatusCode.BadRequest, wrongGround.StatusCode);
        using (var unlock = await FileAsync(police, citizen.Number, LockGround.ReasonGone, "Đã tìm lại điện thoại"))
        {
            Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        }
        var first = await OpenRequestAsync(app, citizen.AccountId);
        Assert.Equal(LockRequestKind.Unlock, first.Kind);
        using var noReason = await DecideAsync(c06, first.Id, "Refuse", "");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using var refused = await DecideAsync(c06, first.Id, "Refuse", "Chưa xác minh được chủ tài khoản");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(AccountLock.Police, (await AccountAsync(app, citizen.AccountId)).Lock);

        using (var unlock = await FileAsync(police, citizen.Number, LockGround.HolderRequest, "Chủ tài khoản đến trực tiếp, đã xác minh"))
        {
            Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        }
        using (var approved = await DecideAsync(c06, (await OpenRequestAsync(app, citizen.AccountId)).Id, "Approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        Assert.Equal(AccountLock.None, (await AccountAsync(app, citizen.AccountId)).Lock);
        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);
        var page = await browser.GetStringAsync("/account");
        Assert.Contains("Chủ tài khoản đề nghị khóa", page, StringComparison.Ordinal);
        Assert.Contains("Chưa xác minh được chủ tài khoản", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Công an Phường Hoàn Kiếm", page, StringComparison.Ordinal);
        Assert.DoesNotContain("C06)", page, StringComparison.Ordinal);
        var audit = await AuditAsync(app, citizen.AccountId);
        Assert.Contains(audit, a => a.Action == "account.unlock-request.refused" && a.Purpose == "Chưa xác minh được chủ tài khoản");
        Assert.Contains(audit, a => a.Action == "account.unlocked" && a.Details == "Police");
    }

    [Fact]
    public async Task A_lock_approved_with_an_end_date_is_lifted_by_the_job_on_that_day()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using var c06 = await AccountsDriver.SignInStaffAsync(app, C06);
        var now = TimeProvider.System.GetUtcNow();
        var today = VietnamTime.DayOf(now);
        using var past = await FileAsync(police, citizen.Number, LockGround.AuthorityDecision, "Quyết định tạm khóa", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        using var garbled = await FileAsync(police, citizen.Number, LockGround.AuthorityDecision, "Quyết định tạm khóa", "24/11/2026");
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbled.StatusCode);
        var ends = today.AddDays(3);
        using (var filed = await FileAsync(police, citizen.Number, LockGround.AuthorityDecision, "Quyết định tạm khóa số 12/QĐ", ends.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
        {
            Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        }
        using (var approved = await DecideAsync(c06, (await OpenRequestAsync(app, citizen.AccountId)).Id, "Approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        var locked = await AccountAsync(app, citizen.AccountId);
        Assert.Equal((AccountLock.Police, ends), (locked.Lock, locked.LockEndsOn));
        using (var browser = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password))
        {
            Assert.Contains(ends.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var job = app.Factory.Services.GetRequiredService<LockExpiry>();
        await job.LiftDueAsync(now.AddDays(2), CancellationToken.None);
        Assert.Equal(AccountLock.Police, (await AccountAsync(app, citizen.AccountId)).Lock);
        Assert.True(await job.LiftDueAsync(now.AddDays(3).AddHours(1), CancellationToken.None) >= 1);

        var lifted = await AccountAsync(app, citizen.AccountId);
        Assert.Equal((AccountLock.None, (DateOnly?)null), (lifted.Lock, lifted.LockEndsOn));
        Assert.Contains(await AuditAsync(app, citizen.AccountId), a => a.Action == "account.unlocked" && a.Actor == "system:identity");
        using var after = app.CreateClient(cookies: new CookieContainer());
        using var signedIn = await AccountsDriver.PostLoginAsync(after, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_registered_death_lifts_the_automatic_lock_but_not_a_police_lock()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var registry = new RegistryDriver(app);
        using var officer = await registry.SignInAsync(RegistryDriver.CivilStatusBaDinh);
        await RegisterDeathAsync(officer, citizen.CitizenId);
        Assert.Equal(AccountLock.Deceased, (await AccountAsync(app, citizen.AccountId)).Lock);

        var record = await RegistryDriver.GetAsync(officer, citizen.CitizenId);
        using (var noBasis = await officer.PostAsJsonAsync("/api/registry/events/deaths/cancel", new
        {
            citizenId = citizen.CitizenId, version = RegistryDriver.Version(record), purpose = RegistryDriver.Purpose,
        }))
        {
            await RegistryDriver.AssertFieldAsync(noBasis, "legalBasis", "required");
        }
        using (var cancelled = await officer.PostAsJsonAsync("/api/registry/events/deaths/cancel", new
        {
            citizenId = citizen.CitizenId, version = RegistryDriver.Version(record), purpose = RegistryDriver.Purpose,
            legalBasis = "Quyết định hủy việc đăng ký khai tử số 3/QĐ-UBND",
        }))
        {
            Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        }
        using (var twice = await officer.PostAsJsonAsync("/api/registry/events/deaths/cancel", new
        {
            citizenId = citizen.CitizenId, version = RegistryDriver.Version(record) + 1, purpose = RegistryDriver.Purpose, legalBasis = "Lần hai",
        }))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }
        Assert.Equal(AccountLock.None, (await AccountAsync(app, citizen.AccountId)).Lock);
        Assert.Contains(await AuditAsync(app, citizen.AccountId), a => a.Action == "account.unlocked" && a.Actor == "system:registry" && a.Details == "Deceased");
        using (var browser = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        // A notification that never arrived: the sign-in reads the registry and lifts the lock itself; a police lock stays.
        await SetLockAsync(app, citizen.AccountId, AccountLock.Deceased);
        using (var browser = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        await SetLockAsync(app, citizen.AccountId, AccountLock.Police);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetServices<Dinh.Registry.Contracts.ICitizenLifeEvents>().Single()
                .CitizenDeathCancelledAsync(citizen.CitizenId, CancellationToken.None);
        }
        Assert.Equal(AccountLock.Police, (await AccountAsync(app, citizen.AccountId)).Lock);
    }

    /// <summary>
    /// The registry's notification of a death that never reached the account: the sign-in finds the holder deceased in
    /// its own query (ADR 0028), refuses it after the right password, and locks the account, audited.
    /// </summary>
    [Fact]
    public async Task A_sign_in_whose_holder_the_registry_records_deceased_is_refused_and_locks_the_account()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var officer = await new RegistryDriver(app).SignInAsync(RegistryDriver.CivilStatusBaDinh);
        await RegisterDeathAsync(officer, citizen.CitizenId);
        await SetLockAsync(app, citizen.AccountId, AccountLock.None);

        using var browser = app.CreateClient(cookies: new CookieContainer());
        using var signIn = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password);

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal(AccountLock.Deceased, (await AccountAsync(app, citizen.AccountId)).Lock);
        Assert.Contains(await AuditAsync(app, citizen.AccountId), a => a.Action == "account.locked" && a.Actor == "system:registry" && a.Purpose == "registry: deceased");
    }

    [Fact]
    public async Task A_citizen_locks_their_own_account_with_their_password_and_only_the_police_unlock_it()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);
        using var other = await AccountsDriver.SignInCitizenAsync(app, citizen);

        using (var wrong = await LockSelfAsync(browser, "not-the-password-123"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("Mật khẩu không đúng", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(AccountLock.None, (await AccountAsync(app, citizen.AccountId)).Lock);
        using (var locked = await LockSelfAsync(browser, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, locked.StatusCode);
        }

        Assert.Equal(AccountLock.Holder, (await AccountAsync(app, citizen.AccountId)).Lock);
        using (var elsewhere = await other.GetAsync(new Uri("/account", UriKind.Relative)))
        {
            Assert.NotEqual(HttpStatusCode.OK, elsewhere.StatusCode);
        }
        using (var again = app.CreateClient(cookies: new CookieContainer()))
        using (var signIn = await AccountsDriver.PostLoginAsync(again, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
            Assert.Contains("Bạn đã tự khóa tài khoản này", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Contains(await AuditAsync(app, citizen.AccountId), a => a.Action == "account.locked" && a.Actor == $"account:{citizen.AccountId}");

        // Unlocking is the police's, in person: an unlock request at the office, decided by the C06.
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using var c06 = await AccountsDriver.SignInStaffAsync(app, C06);
        using (var filed = await FileAsync(police, citizen.Number, LockGround.HolderRequest, "Chủ tài khoản đến trụ sở, đã kiểm tra căn cước"))
        {
            Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        }
        var request = await OpenRequestAsync(app, citizen.AccountId);
        Assert.Equal(LockRequestKind.Unlock, request.Kind);
        using (var approved = await DecideAsync(c06, request.Id, "Approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }
        Assert.Equal(AccountLock.None, (await AccountAsync(app, citizen.AccountId)).Lock);
        using var back = await AccountsDriver.SignInCitizenAsync(app, citizen);
    }

    [Fact]
    public async Task Wrong_passwords_typed_in_a_signed_in_browser_count_towards_the_lockout()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        using var browser = await AccountsDriver.SignInCitizenAsync(app, citizen);

        var form = new Dictionary<string, string>
        {
            ["current"] = "not-the-password-123", ["password"] = "mat-khau-moi-2026-x", ["confirm"] = "mat-khau-moi-2026-x",
            ["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account"),
        };
        using (var change = await browser.PostAsync(new Uri("/account?handler=Password", UriKind.Relative), new FormUrlEncodedContent(form)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, change.StatusCode);
        }
        Assert.Equal(1, (await AccountAsync(app, citizen.AccountId)).AccessFailedCount);
        for (var guess = 0; guess < 4; guess++)
        {
            using var wrong = await LockSelfAsync(browser, $"guess-{guess}-not-it");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        // Five wrong passwords: locked out for 15 minutes, and the right one is not even checked meanwhile.
        Assert.NotNull((await AccountAsync(app, citizen.AccountId)).LockoutEnd);
        using var right = await LockSelfAsync(browser, citizen.Password);
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Contains("Tài khoản tạm khóa 15 phút", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(AccountLock.None, (await AccountAsync(app, citizen.AccountId)).Lock);
    }

    private static async Task<HttpResponseMessage> LockSelfAsync(HttpClient browser, string password)
    {
        var form = new Dictionary<string, string>
        {
            ["password"] = password, ["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(browser, "/account"),
        };
        return await browser.PostAsync(new Uri("/account?handler=LockSelf", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task A_sign_in_whose_holder_was_merged_into_a_record_registered_deceased_is_refused_and_locks_the_account()
    {
        var app = fixture.Require();
        var holder = await CitizenAccounts.CreateAsync(app);
        var survivor = await CitizenAccounts.CreateAsync(app);
        // The holder's record was a duplicate: a data steward merged it into the survivor's (the merge itself is
        // QualityTests'); the holder's own row still says living.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Dinh.Registry.Persistence.RegistryDbContext>().Citizens
                .Where(c => c.Id == holder.CitizenId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.MergedIntoId, survivor.CitizenId));
        }
        using var officer = await new RegistryDriver(app).SignInAsync(RegistryDriver.CivilStatusBaDinh);
        await RegisterDeathAsync(officer, survivor.CitizenId);
        Assert.Equal(AccountLock.None, (await AccountAsync(app, holder.AccountId)).Lock);

        using var browser = app.CreateClient(cookies: new CookieContainer());
        using var signIn = await AccountsDriver.PostLoginAsync(browser, holder.Number, holder.Password);

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal(AccountLock.Deceased, (await AccountAsync(app, holder.AccountId)).Lock);
    }

    /// <summary>The civil-status officer registers the citizen's death through the registry's API.</summary>
    internal static async Task RegisterDeathAsync(HttpClient officer, Guid citizenId)
    {
        var record = await RegistryDriver.GetAsync(officer, citizenId);
        using var died = await officer.PostAsJsonAsync("/api/registry/events/deaths", new
        {
            citizenId, version = RegistryDriver.Version(record), dateOfDeath = "2026-01-02",
            purpose = RegistryDriver.Purpose, legalBasis = "Trích lục khai tử KT-0001",
        });
        Assert.True(died.IsSuccessStatusCode, await died.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> FileAsync(HttpClient client, string number, LockGround ground, string reason, string? endsOn = null)
    {
        var path = $"/officer/eid?number={number}";
        var form = new Dictionary<string, string>
        {
            ["ground"] = ground.ToString(), ["reason"] = reason, ["lockEndsOn"] = endsOn ?? "",
            ["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(client, path),
        };
        return await client.PostAsync(new Uri($"{path}&handler=RequestLock", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    private static async Task<HttpResponseMessage> DecideAsync(HttpClient client, Guid id, string handler, string? reason = null)
    {
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(client, "/officer/eid") };
        if (reason is not null)
        {
            form["reason"] = reason;
        }
        return await client.PostAsync(new Uri($"/officer/eid/locks?id={id}&handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    private static async Task<AccountLockRequest> OpenRequestAsync(DinhApp app, Guid accountId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().LockRequests.AsNoTracking()
            .SingleAsync(r => r.AccountId == accountId && r.Status == LockRequestStatus.Open);
    }

    private static async Task<DateOnly> DueAsync(DinhApp app, DateTimeOffset filedAt, int days)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var calendar = scope.ServiceProvider.GetRequiredService<IWorkingDayCalendar>();
        return await calendar.DueAsync(VietnamTime.DayOf(filedAt), days, CancellationToken.None);
    }

    private static async Task SetLockAsync(DinhApp app, Guid accountId, AccountLock kind)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Lock, kind));
    }

    private static async Task<Account> AccountAsync(DinhApp app, Guid id)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstAsync(a => a.Id == id);
    }

    private static async Task<List<AuditRecord>> AuditAsync(DinhApp app, Guid accountId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var subject = $"account:{accountId}";
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(a => a.Subject == subject).ToListAsync();
    }
}

public sealed class LockRequestTestsOnSqlite(SqliteApp app) : LockRequestTests(app), IClassFixture<SqliteApp>;

public sealed class LockRequestTestsOnPostgres(PostgresApp app) : LockRequestTests(app), IClassFixture<PostgresApp>;
