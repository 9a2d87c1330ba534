using System.Security.Cryptography;
using Dinh.Identity.Persistence;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Dinh.Identity.Accounts;

public enum StaffChangeRefusal
{
    None = 0,
    NotStaff,
    Self,
    ReasonRequired,

    /// <summary>Deactivating the last administrator who can sign in would leave nobody to manage staff from the web.</summary>
    LastAdministrator,
    AlreadyDeactivated,
    NotDeactivated,

    /// <summary>Roles and jurisdictions are an officer's; an administrator has neither.</summary>
    NotOfficer,
    RoleUnknown,

    /// <summary>The unit is not a commune (or a province) of today's structure, or a national jurisdiction named one.</summary>
    UnitUnknown,
    Unchanged,

    /// <summary>Another change of the account won (its concurrency stamp): nothing was changed; try again.</summary>
    Conflict,

    /// <summary>A login of 3 to 64 letters, digits and . - _ with at least one letter (all digits would look like a personal ID number).</summary>
    LoginInvalid,
    LoginTaken,
    /// <summary>A name of 1 to 200 characters, without control or zero-width characters.</summary>
    NameRequired,
}

/// <summary>
/// A staff account just created: its generated password, shown once and never stored in clear, and the TOTP key when
/// the command line issued one; otherwise the person enrols their own key.
/// </summary>
public sealed record NewStaffAccount(Guid Id, string Login, string Password, string? TotpKey)
{
    public string? TotpUri => TotpKey is null ? null : $"otpauth://totp/Dinh:{Uri.EscapeDataString(Login)}?secret={TotpKey}&issuer=Dinh";
}

/// <summary>
/// A staff account's working life (ADR 0029): it is created, an officer moves to another role or jurisdiction,
/// a person leaves and their account is deactivated, or comes back and it is reactivated. Each is audited; each later
/// change needs a reason, is audited with it, and ends every session and token of the account at once, because a signed-in cookie carries the
/// rights it was issued with. The account and its history stay: audit records and dossiers keep naming it.
/// </summary>
internal sealed class StaffAccounts(AccountsDbContext db, UserManager<Account> users, AccountSignIn signIn, OfficerDirectory officers, TimeProvider clock)
{
    /// <summary>Staff rights are given and withdrawn so that only authorised staff reach personal data.</summary>
    public const string LegalBasis = "Law 91/2025/QH15 (personal data protection): access by authorised staff only";

    /// <summary>The authentication token that holds a new staff account's staff rights back until the person set their own password.</summary>
    public const string PasswordChangeTokenName = "password-change-required";

    /// <summary>
    /// Creates an officer's (with role and jurisdiction) or an administrator's account with a generated password, returned
    /// once. Without <paramref name="issueTotpKey"/> (the administration page) nobody but the person learns the second
    /// factor: within <see cref="StaffTotpReset.EnrolmentWindow"/> they sign in with that password into a session without
    /// staff rights, set their own password, then enrol their own key, and only a sign-in with both carries staff rights.
    /// With it (`dinh accounts add-staff`, run by the operator, who holds the database and its keys anyway, and used by
    /// scripted provisioning) a TOTP key is enrolled and returned too. Audited as `account.staff.created`.
    /// </summary>
    public async Task<(StaffChangeRefusal Refusal, NewStaffAccount? Created)> CreateAsync(string? login, string? name, AccountKind kind, OfficerRole? role,
        JurisdictionLevel? level, string? unitCode, bool issueTotpKey, Guid? administratorId, string? requestId, CancellationToken cancellationToken)
    {
        login = login?.Trim() ?? "";
        name = StaffName(name);
        if (login.Length is < 3 or > 64 || !login.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') || !login.Any(char.IsAsciiLetter))
        {
            return (StaffChangeRefusal.LoginInvalid, null);
        }
        if (name is null)
        {
            return (StaffChangeRefusal.NameRequired, null);
        }
        if (kind is not (AccountKind.Officer or AccountKind.Administrator))
        {
            return (StaffChangeRefusal.NotStaff, null);
        }
        Officer? officer = null;
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        if (kind == AccountKind.Officer)
        {
            if (role is not { } officerRole || !Enum.IsDefined(officerRole))
            {
                return (StaffChangeRefusal.RoleUnknown, null);
            }
            var unit = unitCode?.Trim() is { Length: > 0 } code ? code : null;
            if (level is not { } jurisdictionLevel || (jurisdictionLevel == JurisdictionLevel.National && unit is not null)
                || !await officers.ExistsAsync(new Jurisdiction(jurisdictionLevel, unit), cancellationToken))
            {
                return (StaffChangeRefusal.UnitUnknown, null);
            }
            officer = new Officer
            {
                Id = id, Login = login, DisplayName = name, Role = officerRole, JurisdictionLevel = jurisdictionLevel,
                JurisdictionCode = jurisdictionLevel == JurisdictionLevel.National ? null : unit,
            };
        }
        if (await users.FindByNameAsync(login) is not null)
        {
            return (StaffChangeRefusal.LoginTaken, null);
        }
        var account = new Account
        {
            Id = id, UserName = login, DisplayName = name, Kind = kind, Level = AssuranceLevel.Level2, CreatedAt = clock.GetUtcNow(),
            TwoFactorEnabled = issueTotpKey, LockoutEnabled = true,
        };
        var password = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(15));
        // The directory entry first, in the registry's own context: a transaction of the accounts' context held open
        // around it would lock SQLite's one writer against it. A creation that fails below leaves an entry no account
        // has, which grants nothing (entries are found by account id).
        if (officer is not null)
        {
            await officers.UpsertAsync(officer, cancellationToken);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(account, password);
        if (!created.Succeeded)
        {
            return (created.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName)) ? StaffChangeRefusal.LoginTaken : StaffChangeRefusal.LoginInvalid, null);
        }
        string? key = null;
        if (issueTotpKey)
        {
            await users.ResetAuthenticatorKeyAsync(account);
            key = await users.GetAuthenticatorKeyAsync(account);
        }
        else
        {
            await OpenEnrolmentAsync(account, clock.GetUtcNow());
        }
        db.Audit(IdentityAudit.Of(Actor(administratorId), "account.staff.created", $"account:{id}", "staff account created", LegalBasis, requestId,
            (officer is null ? kind.ToString() : $"{kind} {Describe(officer.Role, officer.Jurisdiction)}") + (issueTotpKey ? "; TOTP key issued" : "; enrols own key")));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (StaffChangeRefusal.None, new NewStaffAccount(id, login, password, key));
    }

    /// <summary>
    /// A staff member who forgot their password (and has no verified phone or e-mail to reset it): the account goes back
    /// to the state of a new one. The old password and key stop working, every session and token ends, and a one-time
    /// password, returned once, opens the enrolment window in which the person sets their own password and enrols a new
    /// key. Audited as `account.staff.password-reissued` with the reason.
    /// </summary>
    public async Task<(StaffChangeRefusal Refusal, string? Password)> ReissuePasswordAsync(Guid accountId, Guid? administratorId, string? reason, string? requestId)
    {
        if (Reason(reason) is not { } why)
        {
            return (StaffChangeRefusal.ReasonRequired, null);
        }
        if (accountId == administratorId)
        {
            return (StaffChangeRefusal.Self, null);
        }
        if (await users.FindByIdAsync(accountId.ToString()) is not { IsStaff: true } staff)
        {
            return (StaffChangeRefusal.NotStaff, null);
        }
        var password = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(15));
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (!(await users.RemovePasswordAsync(staff)).Succeeded || !(await users.AddPasswordAsync(staff, password)).Succeeded)
        {
            return (StaffChangeRefusal.Conflict, null);
        }
        await users.ResetAuthenticatorKeyAsync(staff);
        await users.SetTwoFactorEnabledAsync(staff, false);
        // Someone who forgot their password has often locked themselves out trying: the new password works at once.
        await users.SetLockoutEndDateAsync(staff, null);
        await users.ResetAccessFailedCountAsync(staff);
        await OpenEnrolmentAsync(staff, now);
        db.Audit(IdentityAudit.Of(Actor(administratorId), "account.staff.password-reissued", $"account:{staff.Id}", why, LegalBasis, requestId, staff.Kind.ToString()));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        // After the commit, as a lock does (AccountSignIn.LockAsync): a session check made before it would otherwise find
        // the sessions still valid and keep that answer for the check interval (ADR 0016).
        await signIn.RevokeEverywhereAsync(staff.Id, now);
        return (StaffChangeRefusal.None, password);
    }

    /// <summary>The state of a new account: a session without staff rights for the enrolment window, own password first, then own key.</summary>
    private async Task OpenEnrolmentAsync(Account account, DateTimeOffset now)
    {
        var opened = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await users.SetAuthenticationTokenAsync(account, StaffTotpReset.TokenProvider, StaffTotpReset.TokenName, opened);
        await users.SetAuthenticationTokenAsync(account, StaffTotpReset.TokenProvider, PasswordChangeTokenName, opened);
    }

    /// <param name="administratorId">The administrator at /admin/staff, who may not deactivate their own account; null for `dinh accounts deactivate`.</param>
    public async Task<StaffChangeRefusal> DeactivateAsync(Guid accountId, Guid? administratorId, string? reason, string? requestId)
    {
        if (Reason(reason) is not { } why)
        {
            return StaffChangeRefusal.ReasonRequired;
        }
        if (accountId == administratorId)
        {
            return StaffChangeRefusal.Self;
        }
        if (await users.FindByIdAsync(accountId.ToString()) is not { IsStaff: true } staff)
        {
            return StaffChangeRefusal.NotStaff;
        }
        if (staff.Lock == AccountLock.Deactivated)
        {
            return StaffChangeRefusal.AlreadyDeactivated;
        }
        if (staff.Kind != AccountKind.Administrator || staff.Lock != AccountLock.None)
        {
            return await signIn.LockAsync(staff, AccountLock.Deactivated, why, Actor(administratorId), LegalBasis, requestId)
                ? StaffChangeRefusal.None : StaffChangeRefusal.Conflict;
        }

        // An active administrator: the "is another one left?" check and the deactivation are one transaction that first
        // writes every active administrator's row. A second such change waits for this one to commit (a row lock on
        // PostgreSQL, the write lock on SQLite) and then counts what this one left, so two administrators deactivating
        // each other at the same moment cannot leave none.
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Accounts.Where(a => a.Kind == AccountKind.Administrator && a.Lock == AccountLock.None)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.ConcurrencyStamp, x => x.ConcurrencyStamp));
        if (!await db.Accounts.AnyAsync(a => a.Kind == AccountKind.Administrator && a.Lock == AccountLock.None && a.Id != staff.Id))
        {
            return StaffChangeRefusal.LastAdministrator;
        }
        if (!await signIn.LockAsync(staff, AccountLock.Deactivated, why, Actor(administratorId), LegalBasis, requestId))
        {
            return StaffChangeRefusal.Conflict;
        }
        await transaction.CommitAsync();
        // Again after the commit: a session check between the revocation and the commit may have found the session
        // still valid and kept that answer (ADR 0016).
        await signIn.RevokeEverywhereAsync(staff.Id, clock.GetUtcNow());
        return StaffChangeRefusal.None;
    }

    /// <summary>
    /// Lifts a deactivation, or a lock the person put on their own staff account (which the police, who unlock
    /// citizens' accounts, cannot reach). The sessions the lock ended stay ended; the person signs in again.
    /// </summary>
    public async Task<StaffChangeRefusal> ReactivateAsync(Guid accountId, Guid? administratorId, string? reason, string? requestId)
    {
        if (Reason(reason) is not { } why)
        {
            return StaffChangeRefusal.ReasonRequired;
        }
        if (await users.FindByIdAsync(accountId.ToString()) is not { IsStaff: true } staff)
        {
            return StaffChangeRefusal.NotStaff;
        }
        if (staff.Lock is not (AccountLock.Deactivated or AccountLock.Holder))
        {
            return StaffChangeRefusal.NotDeactivated;
        }
        return await signIn.UnlockAsync(staff, why, Actor(administratorId), LegalBasis, requestId)
            ? StaffChangeRefusal.None : StaffChangeRefusal.Conflict;
    }

    /// <summary>
    /// Gives an officer another role or jurisdiction (a unit of today's structure). The officer's sessions end, so the
    /// new rights apply from their next sign-in; the directory entry and its audit record commit together first, so a
    /// sign-in in between already gets the new rights.
    /// </summary>
    public async Task<StaffChangeRefusal> AssignAsync(Guid accountId, Guid? administratorId, OfficerRole role, JurisdictionLevel level, string? unitCode,
        string? reason, string? requestId, CancellationToken cancellationToken)
    {
        if (Reason(reason) is not { } why)
        {
            return StaffChangeRefusal.ReasonRequired;
        }
        if (await users.FindByIdAsync(accountId.ToString()) is not { IsStaff: true } staff)
        {
            return StaffChangeRefusal.NotStaff;
        }
        if (staff.Kind != AccountKind.Officer || await officers.FindAsync(staff.Id, cancellationToken) is not { } before)
        {
            return StaffChangeRefusal.NotOfficer;
        }
        if (!Enum.IsDefined(role))
        {
            return StaffChangeRefusal.RoleUnknown;
        }
        var unit = unitCode?.Trim() is { Length: > 0 } code ? code : null;
        var jurisdiction = new Jurisdiction(level, level == JurisdictionLevel.National ? null : unit);
        if ((level == JurisdictionLevel.National && unit is not null) || !await officers.ExistsAsync(jurisdiction, cancellationToken))
        {
            return StaffChangeRefusal.UnitUnknown;
        }
        if (before.Role == role && before.Jurisdiction == jurisdiction)
        {
            return StaffChangeRefusal.Unchanged;
        }
        var audit = IdentityAudit.Of(Actor(administratorId), "account.staff.assigned", $"account:{staff.Id}", why, LegalBasis, requestId,
            $"{Describe(before.Role, before.Jurisdiction)} -> {Describe(role, jurisdiction)}");
        if (!await officers.AssignAsync(staff.Id, role, jurisdiction, audit, cancellationToken))
        {
            return StaffChangeRefusal.NotOfficer;
        }
        await signIn.RevokeEverywhereAsync(staff.Id, clock.GetUtcNow());
        return StaffChangeRefusal.None;
    }

    /// <summary>
    /// Corrects the name shown for a staff account (a typing error, a legal change of name), in the account and, for an
    /// officer, in the registry's directory entry. Audited as `account.staff.renamed` with the reason and both names. The
    /// login does not change: it is what the person signs in with and what the command line names. Rights do not change
    /// either, so the sessions stay; a session shows the new name from its next sign-in.
    /// </summary>
    public async Task<StaffChangeRefusal> RenameAsync(Guid accountId, Guid? administratorId, string? name, string? reason, string? requestId,
        CancellationToken cancellationToken)
    {
        if (Reason(reason) is not { } why)
        {
            return StaffChangeRefusal.ReasonRequired;
        }
        if (StaffName(name) is not { } newName)
        {
            return StaffChangeRefusal.NameRequired;
        }
        if (await users.FindByIdAsync(accountId.ToString()) is not { IsStaff: true } staff)
        {
            return StaffChangeRefusal.NotStaff;
        }
        if (staff.DisplayName == newName)
        {
            // The account has the name already. If an officer's directory entry missed the copy below (the process
            // stopped in between), renaming again repairs it; the change itself was audited then.
            if (staff.Kind == AccountKind.Officer && await officers.FindAsync(staff.Id, cancellationToken) is { } entry && entry.DisplayName != newName)
            {
                await officers.RenameAsync(staff.Id, newName, cancellationToken);
                return StaffChangeRefusal.None;
            }
            return StaffChangeRefusal.Unchanged;
        }
        var before = staff.DisplayName;
        staff.DisplayName = newName;
        db.Audit(IdentityAudit.Of(Actor(administratorId), "account.staff.renamed", $"account:{staff.Id}", why, LegalBasis, requestId,
            $"{before ?? "-"} -> {newName}"));
        // The account and its audit record in one save (the user store saves the context), so no name changes without its
        // record; then the directory entry, in the registry's context, which copies it (repaired by renaming again, above).
        if (!(await users.UpdateAsync(staff)).Succeeded)
        {
            return StaffChangeRefusal.Conflict;
        }
        if (staff.Kind == AccountKind.Officer)
        {
            await officers.RenameAsync(staff.Id, newName, cancellationToken);
        }
        return StaffChangeRefusal.None;
    }

    /// <summary>
    /// A role or jurisdiction level given by its name, as forms and the command line give them: a number (which
    /// <see cref="Enum.TryParse{TEnum}(string?, out TEnum)"/> would take) or an unknown name is null.
    /// </summary>
    public static T? ByName<T>(string? value) where T : struct, Enum =>
        Enum.TryParse<T>(value, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _) ? parsed : null;

    /// <summary>A person's name as shown: trimmed, in NFC, 1 to 200 characters, no control or format characters (zero-width ones among them).</summary>
    private static string? StaffName(string? name) =>
        name?.Trim().Normalize(System.Text.NormalizationForm.FormC) is { Length: > 0 and <= 200 } shown
        && !shown.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format) ? shown : null;

    private static string? Reason(string? reason) => reason?.Trim() is { Length: > 0 and <= 500 } why ? why : null;

    private static string Actor(Guid? administratorId) => administratorId is { } admin ? $"account:{admin}" : "system:cli";

    private static string Describe(OfficerRole role, Jurisdiction jurisdiction) =>
        $"{role} {jurisdiction.Level}{(jurisdiction.UnitCode is { } code ? " " + code : "")}";
}
