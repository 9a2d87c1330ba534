using System.Net;
using Dinh.Identity.Accounts;
using Dinh.Identity.Level2;
using Dinh.Identity.Persistence;
using Dinh.Registry.Persistence;
using Dinh.Services.Calendar;
using Dinh.Services.Persistence;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Identity;

/// <summary>
/// Level-2 applications the counter cannot finish at once (Decree 69/2024 Art. 13): the device answers later, or the
/// citizen has no valid card; due in working days of the portal's calendar; finished or refused from the office's queue.
/// </summary>
public abstract class Level2ApplicationTests(DinhApp fixture)
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    [Fact]
    public async Task A_late_biometric_answer_opens_an_application_due_in_3_working_days_of_the_calendar_and_the_queue_completes_it()
    {
        var app = fixture.Require();
        var holiday = await AddHolidayOnNextWorkingDayAsync(app);
        var citizen = await CitizenAccounts.CreateAsync(app);
        await SetCardAsync(app, citizen.CitizenId, "079090101001", expires: new DateOnly(2040, 1, 1));
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);

        using var received = await CounterAsync(police, citizen.Number, "079090101001", "pending");

        Assert.Equal(HttpStatusCode.OK, received.StatusCode);
        var application = await OpenApplicationAsync(app, citizen.CitizenId);
        Assert.Equal(Level2Awaiting.Biometrics, application.Awaiting);
        Assert.Equal(3, application.TimeLimitWorkingDays);
        Assert.Equal(await ExpectedDueAsync(app, 3), application.DueOn);
        Assert.True(application.DueOn > holiday, "the due date runs past the holiday added on the next working day");
        Assert.Equal(AssuranceLevel.Level1, (await AccountAsync(app, citizen.AccountId)).Level);
        using (var owner = await AccountsDriver.SignInCitizenAsync(app, citizen))
        {
            var page = await owner.GetStringAsync("/account");
            Assert.Contains("level2-application", page, StringComparison.Ordinal);
            Assert.Contains(application.DueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), page, StringComparison.Ordinal);
        }

        var queue = await police.GetStringAsync("/officer/eid/queue");
        Assert.Contains($"application-{application.Id}", queue, StringComparison.Ordinal);
        using var completed = await QueueAsync(police, "Complete", application.Id, []);

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(AssuranceLevel.Level2, (await AccountAsync(app, citizen.AccountId)).Level);
        var decided = await ApplicationAsync(app, application.Id);
        Assert.Equal(Level2ApplicationStatus.Completed, decided.Status);
        Assert.Equal(citizen.AccountId, decided.AccountId);
        Assert.Equal(1, await AuditCountAsync(app, "eid.level2.received", $"citizen:{citizen.CitizenId}"));
        Assert.Equal(1, await AuditCountAsync(app, "eid.level2.granted", $"account:{citizen.AccountId}"));
        using var again = await QueueAsync(police, "Complete", application.Id, []);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Without_a_valid_card_level_2_comes_with_the_card_in_7_working_days_and_needs_the_new_card_to_complete()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        await SetCardAsync(app, citizen.CitizenId, "079090102001", expires: new DateOnly(2024, 1, 1));
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);

        using var expired = await CounterAsync(police, citizen.Number, "079090102001", "cap");
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Null(await OpenApplicationOrNullAsync(app, citizen.CitizenId));
        using var withCard = await CounterAsync(police, citizen.Number, "", "cap", withCardIssuance: true);

        Assert.Equal(HttpStatusCode.OK, withCard.StatusCode);
        var application = await OpenApplicationAsync(app, citizen.CitizenId);
        Assert.Equal(Level2Awaiting.Card, application.Awaiting);
        Assert.Equal(7, application.TimeLimitWorkingDays);
        Assert.Equal(await ExpectedDueAsync(app, 7), application.DueOn);
        using var twice = await CounterAsync(police, citizen.Number, "", "cap", withCardIssuance: true);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);

        using var notIssuedYet = await QueueAsync(police, "Complete", application.Id, new() { ["cardNumber"] = "079090102001", ["chipRead"] = "true" });
        Assert.Equal(HttpStatusCode.BadRequest, notIssuedYet.StatusCode);
        await SetCardAsync(app, citizen.CitizenId, "079090102002", expires: new DateOnly(2045, 1, 1));
        using var chipUnread = await QueueAsync(police, "Complete", application.Id, new() { ["cardNumber"] = "079090102002" });
        Assert.Equal(HttpStatusCode.BadRequest, chipUnread.StatusCode);
        Assert.Equal(AssuranceLevel.Level1, (await AccountAsync(app, citizen.AccountId)).Level);
        using var completed = await QueueAsync(police, "Complete", application.Id, new() { ["cardNumber"] = "079090102002", ["chipRead"] = "true" });

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(AssuranceLevel.Level2, (await AccountAsync(app, citizen.AccountId)).Level);
        Assert.Equal(Level2ApplicationStatus.Completed, (await ApplicationAsync(app, application.Id)).Status);
    }

    [Fact]
    public async Task The_queue_lists_earliest_due_first_with_overdue_and_due_soon_flags_and_only_the_receiving_office_decides()
    {
        var app = fixture.Require();
        var late = await CitizenAccounts.CreateAsync(app);
        var later = await CitizenAccounts.CreateAsync(app);
        await SetCardAsync(app, late.CitizenId, "079090103001", expires: new DateOnly(2040, 1, 1));
        await SetCardAsync(app, later.CitizenId, "079090103002", expires: new DateOnly(2040, 1, 1));
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using (await CounterAsync(police, later.Number, "079090103002", "pending-wait"))
        using (await CounterAsync(police, late.Number, "079090103001", "pending-wait"))
        {
        }
        var overdue = await OpenApplicationAsync(app, late.CitizenId);
        var dueSoon = await OpenApplicationAsync(app, later.CitizenId);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(Vietnam).DateTime);
        await SetDueAsync(app, overdue.Id, today.AddDays(-1));
        await SetDueAsync(app, dueSoon.Id, today);

        var queue = await police.GetStringAsync("/officer/eid/queue");

        var first = queue.IndexOf($"application-{overdue.Id}\" data-urgency=\"Overdue\"", StringComparison.Ordinal);
        var second = queue.IndexOf($"application-{dueSoon.Id}\" data-urgency=\"DueSoon\"", StringComparison.Ordinal);
        Assert.True(first >= 0 && second > first, "overdue first, then due soon, each flagged");
        using var otherPolice = await AccountsDriver.SignInStaffAsync(app, "congan.badinh");
        Assert.DoesNotContain($"application-{overdue.Id}", await otherPolice.GetStringAsync("/officer/eid/queue"), StringComparison.Ordinal);
        using var otherOffice = await QueueAsync(otherPolice, "Complete", overdue.Id, []);
        Assert.Equal(HttpStatusCode.Forbidden, otherOffice.StatusCode);
        using var stillWaiting = await QueueAsync(police, "Complete", overdue.Id, []);
        Assert.Equal(HttpStatusCode.BadRequest, stillWaiting.StatusCode);
        Assert.Equal(Level2ApplicationStatus.Open, (await ApplicationAsync(app, overdue.Id)).Status);
    }

    [Fact]
    public async Task Refusing_an_application_needs_a_reason_is_audited_and_the_citizen_sees_it()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        await SetCardAsync(app, citizen.CitizenId, "079090104001", expires: new DateOnly(2040, 1, 1));
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using (await CounterAsync(police, citizen.Number, "079090104001", "pending-nomatch"))
        {
        }
        var application = await OpenApplicationAsync(app, citizen.CitizenId);

        using var noMatch = await QueueAsync(police, "Complete", application.Id, []);
        using var noReason = await QueueAsync(police, "Refuse", application.Id, new() { ["reason"] = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noMatch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(Level2ApplicationStatus.Open, (await ApplicationAsync(app, application.Id)).Status);
        using var refused = await QueueAsync(police, "Refuse", application.Id, new() { ["reason"] = "Vân tay không khớp với cơ sở dữ liệu căn cước" });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var decided = await ApplicationAsync(app, application.Id);
        Assert.Equal(Level2ApplicationStatus.Refused, decided.Status);
        Assert.Equal("Vân tay không khớp với cơ sở dữ liệu căn cước", decided.RefusalReason);
        Assert.Equal(1, await AuditCountAsync(app, "eid.level2.application-refused", $"citizen:{citizen.CitizenId}"));
        Assert.Equal(AssuranceLevel.Level1, (await AccountAsync(app, citizen.AccountId)).Level);
        using var owner = await AccountsDriver.SignInCitizenAsync(app, citizen);
        Assert.Contains("Vân tay không khớp", await owner.GetStringAsync("/account"), StringComparison.Ordinal);
        using var notice = await police.GetAsync("/dev/mailbox/latest?recipient=%2B84912345678&kind=notice.level2-refused");
        Assert.Equal(HttpStatusCode.OK, notice.StatusCode);
    }

    [Fact]
    public async Task A_provincial_officer_sees_and_decides_the_applications_of_the_province_communes_only_and_a_national_one_all()
    {
        var app = fixture.Require();
        var hanoi = await CitizenAccounts.CreateAsync(app);
        var saigon = await CitizenAccounts.CreateAsync(app);
        await SetCardAsync(app, hanoi.CitizenId, "079090104001", expires: new DateOnly(2040, 1, 1));
        await SetCardAsync(app, saigon.CitizenId, "079090104002", expires: new DateOnly(2040, 1, 1));
        using var police = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.PoliceHoanKiem);
        using (await CounterAsync(police, hanoi.Number, "079090104001", "pending-wait"))
        using (await CounterAsync(police, saigon.Number, "079090104002", "pending-wait"))
        {
        }
        var inHanoi = await OpenApplicationAsync(app, hanoi.CitizenId);
        var inSaigon = await OpenApplicationAsync(app, saigon.CitizenId);
        // As if received at the police office of Phường Sài Gòn, a commune of Hồ Chí Minh City (79).
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Level2Applications.Where(a => a.Id == inSaigon.Id)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.OfficeUnitCode, RegistryDriver.SaiGon));
        }

        using var province = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.StewardHanoi);
        var provincial = await province.GetStringAsync("/officer/eid/queue");
        Assert.Contains($"application-{inHanoi.Id}", provincial, StringComparison.Ordinal);
        Assert.DoesNotContain($"application-{inSaigon.Id}", provincial, StringComparison.Ordinal);
        using var otherProvince = await QueueAsync(province, "Refuse", inSaigon.Id, new() { ["reason"] = "Không thuộc địa bàn" });
        Assert.Equal(HttpStatusCode.Forbidden, otherProvince.StatusCode);
        using var national = await AccountsDriver.SignInStaffAsync(app, RegistryDriver.StewardNational);
        var all = await national.GetStringAsync("/officer/eid/queue");
        Assert.Contains($"application-{inHanoi.Id}", all, StringComparison.Ordinal);
        Assert.Contains($"application-{inSaigon.Id}", all, StringComparison.Ordinal);
        using var refused = await QueueAsync(province, "Refuse", inHanoi.Id, new() { ["reason"] = "Hồ sơ không đủ điều kiện" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
    }

    private static Task<HttpResponseMessage> CounterAsync(HttpClient client, string number, string card, string capture, bool withCardIssuance = false) =>
        PostAsync(client, $"/officer/eid?number={number}", "Raise", new()
        {
            ["cardNumber"] = card, ["chipRead"] = "true", ["faceCapture"] = capture, ["fingerprintCapture"] = capture, ["citizenConfirmed"] = "true",
            ["withCardIssuance"] = withCardIssuance ? "true" : "false",
        });

    private static Task<HttpResponseMessage> QueueAsync(HttpClient client, string handler, Guid id, Dictionary<string, string> form) =>
        PostAsync(client, "/officer/eid/queue", handler, form, id);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string handler, Dictionary<string, string> form, Guid? id = null)
    {
        form["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(client, path);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return await client.PostAsync($"{path}{separator}handler={handler}{(id is { } i ? $"&id={i}" : "")}", new FormUrlEncodedContent(form));
    }

    /// <summary>Independent of the code under test: weekdays minus the portal's holiday table, counted in Vietnam's time.</summary>
    private static async Task<DateOnly> ExpectedDueAsync(DinhApp app, int workingDays)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var holidays = (await scope.ServiceProvider.GetRequiredService<ServicesDbContext>().Holidays.Select(h => h.Date).ToListAsync()).ToHashSet();
        bool Working(DateOnly d) => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(d);
        var day = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(Vietnam).DateTime);
        while (!Working(day))
        {
            day = day.AddDays(1);
        }
        for (var left = workingDays; left > 0;)
        {
            day = day.AddDays(1);
            if (Working(day))
            {
                left--;
            }
        }
        return day;
    }

    /// <summary>A holiday on the first working day after today, so that a count of weekdays alone would be wrong.</summary>
    private static async Task<DateOnly> AddHolidayOnNextWorkingDayAsync(DinhApp app)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ServicesDbContext>();
        var day = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(Vietnam).DateTime).AddDays(1);
        var holidays = (await db.Holidays.Select(h => h.Date).ToListAsync()).ToHashSet();
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || holidays.Contains(day))
        {
            day = day.AddDays(1);
        }
        db.Holidays.Add(new Holiday { Date = day, NameVi = "Ngày nghỉ thử nghiệm", NameEn = "Test day off" });
        await db.SaveChangesAsync();
        return day;
    }

    private static async Task SetCardAsync(DinhApp app, Guid citizenId, string card, DateOnly expires)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var citizen = await registry.Citizens.FirstAsync(c => c.Id == citizenId);
        citizen.SetIdCard(card, expires.AddYears(-15), expires);
        await registry.SaveChangesAsync();
    }

    private static async Task SetDueAsync(DinhApp app, Guid applicationId, DateOnly due)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var application = await db.Level2Applications.FirstAsync(a => a.Id == applicationId);
        application.DueOn = due;
        await db.SaveChangesAsync();
    }

    private static async Task<Level2Application> OpenApplicationAsync(DinhApp app, Guid citizenId) =>
        await OpenApplicationOrNullAsync(app, citizenId) ?? throw new InvalidOperationException("no open application");

    private static async Task<Level2Application?> OpenApplicationOrNullAsync(DinhApp app, Guid citizenId)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Level2Applications.AsNoTracking()
            .SingleOrDefaultAsync(a => a.CitizenId == citizenId && a.Status == Level2ApplicationStatus.Open);
    }

    private static async Task<Level2Application> ApplicationAsync(DinhApp app, Guid id)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Level2Applications.AsNoTracking().FirstAsync(a => a.Id == id);
    }

    private static async Task<Account> AccountAsync(DinhApp app, Guid id)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking().FirstAsync(a => a.Id == id);
    }

    private static Task<int> AuditCountAsync(DinhApp app, string action, string subject) =>
        app.WithPlatformDbAsync(db => db.AuditRecords.CountAsync(r => r.Action == action && r.Subject == subject));
}

public sealed class Level2ApplicationTestsOnSqlite(SqliteApp app) : Level2ApplicationTests(app), IClassFixture<SqliteApp>;

public sealed class Level2ApplicationTestsOnPostgres(PostgresApp app) : Level2ApplicationTests(app), IClassFixture<PostgresApp>;
