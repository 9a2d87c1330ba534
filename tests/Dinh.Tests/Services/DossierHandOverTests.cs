using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dinh.Identity.Seeding;
using Dinh.Platform.Auditing;
using Dinh.Registry.Officers;
using Dinh.Tests.Identity;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Dinh.Tests.Services.ServicesDriver;

namespace Dinh.Tests.Services;

/// <summary>
/// A dossier an officer took is not stuck with them: they give it back to the queue, and once they can no longer act
/// on it (deactivated, or moved to another unit) a colleague takes it over; while they can, nobody else decides it.
/// </summary>
public abstract class DossierHandOverTests(DinhApp fixture)
{
    private const string Password = "mat-khau-ban-giao-2026";

    private ServicesDriver Portal => new(fixture.Require());

    [Fact]
    public async Task The_claimant_gives_a_dossier_back_and_a_colleague_takes_it_over_only_once_the_claimant_cannot_act()
    {
        var app = fixture.Require();
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var (claimantId, login, key) = await AccountsDriver.CreateOfficerAsync(app, "hoso", Password, OfficerRole.ResidencePolice, RegistryDriver.BaDinh);
        using var claimant = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using var colleague = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var dossier = await TemporaryResidenceAsync(citizen);

        // The first officer's decision claims it: the colleague can neither decide nor take over while the claimant can act.
        dossier = await DecideOkAsync(claimant, dossier, "accept");
        await RegistryDriver.ProblemAsync(await DecideAsync(colleague, dossier, "reject", "Không đủ điều kiện"), HttpStatusCode.Conflict, "DINH-SVC-0006");
        await RegistryDriver.ProblemAsync(await DecideAsync(colleague, dossier, "take-over"), HttpStatusCode.Conflict, "DINH-SVC-0020");
        await RegistryDriver.ProblemAsync(await DecideAsync(colleague, dossier, "release"), HttpStatusCode.Conflict, "DINH-SVC-0006");
        var page = await colleague.GetStringAsync(new Uri($"/officer/dossiers/{dossier.GetProperty("id").GetGuid()}", UriKind.Relative));
        Assert.Contains("id=\"claim-state\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"take-over\"", page, StringComparison.Ordinal);

        // Given back, anyone covering it decides; the first decision claims it again.
        dossier = await DecideOkAsync(claimant, dossier, "release");
        Assert.Equal(JsonValueKind.Null, dossier.GetProperty("claimedBy").ValueKind);
        await RegistryDriver.ProblemAsync(await DecideAsync(claimant, dossier, "release"), HttpStatusCode.Conflict, "DINH-SVC-0005");
        dossier = await DecideOkAsync(claimant, dossier, "claim");

        // The claimant is moved to another commune: the colleague takes the dossier over and decides it.
        using (var admin = await AccountsDriver.SignInStaffAsync(app, DemoAccounts.AdministratorLogin))
        {
            var form = new Dictionary<string, string>
            {
                ["role"] = "ResidencePolice", ["level"] = "Commune", ["unit"] = "00070", ["reason"] = "Điều động sang phường Hoàn Kiếm",
                ["__RequestVerificationToken"] = await DinhApp.GetAntiforgeryTokenAsync(admin, "/account"),
            };
            using var moved = await admin.PostAsync(new Uri($"/admin/staff?handler=Assign&id={claimantId}", UriKind.Relative), new FormUrlEncodedContent(form));
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }
        page = await colleague.GetStringAsync(new Uri($"/officer/dossiers/{dossier.GetProperty("id").GetGuid()}", UriKind.Relative));
        Assert.Contains("value=\"take-over\"", page, StringComparison.Ordinal);
        dossier = await DecideOkAsync(colleague, dossier, "take-over");
        dossier = await DecideOkAsync(colleague, dossier, "approve");
        Assert.Equal("Approved", dossier.GetProperty("status").GetString());

        var id = dossier.GetProperty("id").GetGuid().ToString();
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<Dinh.Services.Persistence.ServicesDbContext>().Set<AuditRecord>().AsNoTracking()
            .Where(a => a.Action == "services.dossier.take-over" || a.Action == "services.dossier.release").ToListAsync();
        Assert.Contains(audit, a => a.Action == "services.dossier.release" && a.Actor == $"officer:{claimantId}" && a.Details!.Contains(id, StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "services.dossier.take-over" && a.Details!.Contains(id, StringComparison.Ordinal)
            && a.Details.Contains($"officer:{claimantId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dossier_held_by_a_deactivated_officer_is_taken_over_by_a_colleague()
    {
        var app = fixture.Require();
        var (_, citizen) = await Portal.CitizenWithHouseholdAsync();
        var (_, login, key) = await AccountsDriver.CreateOfficerAsync(app, "nghi", Password, OfficerRole.ResidencePolice, RegistryDriver.BaDinh);
        using var claimant = await AccountsDriver.SignInOfficerAsync(app, login, Password, key);
        using var colleague = await Portal.SignInOfficerAsync(PoliceBaDinh);
        var dossier = await DecideOkAsync(claimant, await TemporaryResidenceAsync(citizen), "accept");
        var receipt = dossier.GetProperty("receiptCode").GetString()!;
        Assert.Equal("Colleague", await QueueClaimAsync(colleague, receipt));
        Assert.Equal("Me", await QueueClaimAsync(claimant, receipt));

        var deactivated = await app.RunDinhAsync("accounts", "deactivate", "--login", login, "--reason", "Nghỉ việc");
        Assert.True(deactivated.ExitCode == 0, deactivated.Error);
        Assert.Equal("Gone", await QueueClaimAsync(colleague, receipt));

        dossier = await DecideOkAsync(colleague, dossier, "take-over");
        await RegistryDriver.ProblemAsync(await DecideAsync(colleague, dossier, "take-over"), HttpStatusCode.Conflict, "DINH-SVC-0005");
        dossier = await DecideOkAsync(colleague, dossier, "reject", "Chỗ ở không hợp pháp");
        Assert.Equal("Rejected", dossier.GetProperty("status").GetString());
    }

    /// <summary>How the officer's queue page shows who holds the dossier (the class of its "handled by" cell).</summary>
    private static async Task<string> QueueClaimAsync(HttpClient officer, string receipt)
    {
        var page = await officer.GetStringAsync(new Uri("/officer/dossiers", UriKind.Relative));
        var match = Regex.Match(page, Regex.Escape(receipt) + "</a>.*?class=\"claim-(\\w+)\"",
            RegexOptions.Singleline);
        Assert.True(match.Success, $"{receipt} is not in the queue");
        return match.Groups[1].Value;
    }
}

public sealed class DossierHandOverTestsOnSqlite(ServicesSqliteApp app) : DossierHandOverTests(app), IClassFixture<ServicesSqliteApp>;

public sealed class DossierHandOverTestsOnPostgres(ServicesPostgresApp app) : DossierHandOverTests(app), IClassFixture<ServicesPostgresApp>;
