using System.CommandLine;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Identity.Cli;

/// <summary>
/// `dinh accounts list-staff|rename|assign|deactivate|reactivate|reissue-password`: a staff account's working life from the command line, as on
/// /admin/staff (<see cref="StaffAccounts"/>), for the operator who has no administrator able to sign in.
/// </summary>
internal static class StaffCommands
{
    public static IEnumerable<Command> Create(VerbRunner run) => [List(run), Rename(run), Assign(run), Deactivate(run), Reactivate(run), Reissue(run)];

    private static Command Rename(VerbRunner run)
    {
        var login = Login();
        var name = new Option<string>("--name") { Description = "The name shown to colleagues (1 to 200 characters).", Required = true };
        var reason = Reason();
        var rename = new Command("rename", "Correct the name shown for a staff account; the login, the rights and the sessions stay.") { login, name, reason };
        rename.SetAction((result, cancellationToken) => run((services, ct) => ChangeAsync(services, result.GetValue(login)!, (accounts, id) =>
            accounts.RenameAsync(id, null, result.GetValue(name), result.GetValue(reason), null, ct), "renamed",
            unchanged: "that is already the account's name."), cancellationToken));
        return rename;
    }

    private static Command Reissue(VerbRunner run)
    {
        var login = Login();
        var reason = Reason();
        var reissue = new Command("reissue-password", "Give a staff member who forgot their password a one-time password (printed once): the old password and "
            + "key stop working, every session ends, and within 3 days they sign in with it, set their own password and enrol a new key.") { login, reason };
        reissue.SetAction((result, cancellationToken) => run(async (services, _) =>
        {
            string? password = null;
            var code = await ChangeAsync(services, result.GetValue(login)!, async (accounts, id) =>
            {
                var (refusal, issued) = await accounts.ReissuePasswordAsync(id, null, result.GetValue(reason), null);
                password = issued;
                return refusal;
            }, "has a new one-time password; every session ended");
            if (password is not null)
            {
                Console.Out.WriteLine($"One-time password (shown once, valid 3 days): {password}");
            }
            return code;
        }, cancellationToken));
        return reissue;
    }

    private static Command List(VerbRunner run)
    {
        var list = new Command("list-staff", "List officers' and administrators' accounts: login, kind, state, role and jurisdiction.");
        list.SetAction((_, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var staff = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking()
                .Where(a => a.Kind == AccountKind.Officer || a.Kind == AccountKind.Administrator).OrderBy(a => a.UserName)
                .Select(a => new { a.Id, a.UserName, a.Kind, a.Lock }).ToListAsync(ct);
            var officers = await scope.ServiceProvider.GetRequiredService<OfficerDirectory>().FindAllAsync(staff.Select(a => a.Id).ToList(), ct);
            foreach (var account in staff)
            {
                var assignment = officers.GetValueOrDefault(account.Id) is { } o ? $"{o.Role} {o.JurisdictionLevel} {o.JurisdictionCode}".TrimEnd() : "";
                var state = account.Lock == AccountLock.None ? "active" : account.Lock.ToString().ToLowerInvariant();
                Console.Out.WriteLine($"{account.UserName,-30} {account.Kind,-13} {state,-11} {assignment}");
            }
            return 0;
        }, cancellationToken));
        return list;
    }

    private static Command Assign(VerbRunner run)
    {
        var login = Login();
        var role = new Option<string>("--role") { Description = "CivilStatus, ResidencePolice, DataSteward, SocialInsurance, JudicialRecords or Transport.", Required = true };
        var level = new Option<string>("--jurisdiction") { Description = "Commune, Province or National.", Required = true };
        var unit = new Option<string?>("--unit") { Description = "Unit code of the jurisdiction (2025 structure), unless National." };
        var reason = Reason();
        var assign = new Command("assign", "Give an officer another role or jurisdiction; every session of the officer ends, the new rights apply from the next sign-in.")
            { login, role, level, unit, reason };
        assign.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            if (StaffAccounts.ByName<OfficerRole>(result.GetValue(role)) is not { } officerRole
                || StaffAccounts.ByName<JurisdictionLevel>(result.GetValue(level)) is not { } jurisdiction)
            {
                await Console.Error.WriteLineAsync("Refused: --role and --jurisdiction take one of the names listed in --help.");
                return 2;
            }
            return await ChangeAsync(services, result.GetValue(login)!, (accounts, id) =>
                accounts.AssignAsync(id, null, officerRole, jurisdiction, result.GetValue(unit), result.GetValue(reason), null, ct),
                "assigned; every session ended, the new rights apply from the next sign-in");
        }, cancellationToken));
        return assign;
    }

    private static Command Deactivate(VerbRunner run)
    {
        var login = Login();
        var reason = Reason();
        var deactivate = new Command("deactivate", "Deactivate a staff account (the person left): every session and token ends, nobody can sign in with it; its history stays.")
            { login, reason };
        deactivate.SetAction((result, cancellationToken) => run((services, _) => ChangeAsync(services, result.GetValue(login)!, (accounts, id) =>
            accounts.DeactivateAsync(id, null, result.GetValue(reason), null), "deactivated; every session and token ended"), cancellationToken));
        return deactivate;
    }

    private static Command Reactivate(VerbRunner run)
    {
        var login = Login();
        var reason = Reason();
        var reactivate = new Command("reactivate", "Reactivate a deactivated staff account, or one its holder locked; the person signs in again.") { login, reason };
        reactivate.SetAction((result, cancellationToken) => run((services, _) => ChangeAsync(services, result.GetValue(login)!, (accounts, id) =>
            accounts.ReactivateAsync(id, null, result.GetValue(reason), null), "reactivated"), cancellationToken));
        return reactivate;
    }

    private static Option<string> Login() => new("--login") { Description = "The staff account's login.", Required = true };

    private static Option<string> Reason() => new("--reason") { Description = "Why (recorded in the audit trail; at most 500 characters).", Required = true };

    /// <summary>Exit codes: 0 done, 1 no such staff account, 2 refused (the reason is printed), 3 a concurrent change won.</summary>
    private static async Task<int> ChangeAsync(IServiceProvider services, string login, Func<StaffAccounts, Guid, Task<StaffChangeRefusal>> change, string done,
        string? unchanged = null)
    {
        await using var scope = services.CreateAsyncScope();
        if (await scope.ServiceProvider.GetRequiredService<UserManager<Account>>().FindByNameAsync(login) is not { IsStaff: true } account)
        {
            await Console.Error.WriteLineAsync($"No staff account '{login}'.");
            return 1;
        }
        var refusal = await change(scope.ServiceProvider.GetRequiredService<StaffAccounts>(), account.Id);
        switch (refusal)
        {
            case StaffChangeRefusal.None:
                Console.Out.WriteLine($"'{account.UserName}' {done}.");
                return 0;
            case StaffChangeRefusal.Conflict:
                await Console.Error.WriteLineAsync("The account changed meanwhile; nothing was changed. Run the command again.");
                return 3;
            default:
                await Console.Error.WriteLineAsync($"Refused ({refusal}): {(refusal == StaffChangeRefusal.Unchanged && unchanged is not null ? unchanged : Explain(refusal))}");
                return 2;
        }
    }

    /// <summary>A refusal in a sentence, for every staff verb (add-staff's unit message names the unit given).</summary>
    internal static string Explain(StaffChangeRefusal refusal) => refusal switch
    {
        StaffChangeRefusal.LoginInvalid => "a login of 3 to 64 letters, digits and . - _ with at least one letter.",
        StaffChangeRefusal.LoginTaken => "that login is taken.",
        StaffChangeRefusal.ReasonRequired => "a reason of at most 500 characters is required.",
        StaffChangeRefusal.LastAdministrator => "this is the last active administrator; create or reactivate another one first.",
        StaffChangeRefusal.AlreadyDeactivated => "the account is already deactivated.",
        StaffChangeRefusal.NotDeactivated => "the account is not deactivated.",
        StaffChangeRefusal.NotOfficer => "only an officer has a role and a jurisdiction.",
        StaffChangeRefusal.RoleUnknown => "unknown role.",
        StaffChangeRefusal.UnitUnknown => "no such unit at that level in today's structure (2025 codes: 5 digits for a commune, 2 for a province, none for National).",
        StaffChangeRefusal.Unchanged => "that is already the officer's role and jurisdiction.",
        StaffChangeRefusal.NameRequired => "a name of 1 to 200 characters, without control or invisible characters, is required.",
        _ => refusal.ToString(),
    };
}
