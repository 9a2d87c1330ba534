using Microsoft.AspNetCore.Identity;

namespace Dinh.Identity.Accounts;

public enum AccountKind
{
    Citizen = 1,
    Officer = 2,
    Administrator = 3,
}

/// <summary>e-ID levels of Decree 69/2024 Art. 7–10 (DOMAIN.md §3.2): level 1 self-service, level 2 checked in person.</summary>
public enum AssuranceLevel
{
    Level1 = 1,
    Level2 = 2,
}

/// <summary>Why an account cannot sign in although its password is right.</summary>
public enum AccountLock
{
    None = 0,

    /// <summary>Locked by the police with a reason (Decree 69/2024 Art. 15).</summary>
    Police = 1,

    /// <summary>The registry recorded the citizen's death.</summary>
    Deceased = 2,

    /// <summary>
    /// The holder locked it from their own account (a lost phone, a suspected takeover; Decree 69/2024 Art. 15, the
    /// holder's request). Only the police unlock it, after checking the holder in person.
    /// </summary>
    Holder = 3,

    /// <summary>
    /// A staff account an administrator deactivated (the person left or moved out of the service): every session and
    /// token ended with it. An administrator reactivates it; the police have no part in it.
    /// </summary>
    Deactivated = 4,
}

/// <summary>
/// An e-ID account. A citizen's account names its registry record (<see cref="CitizenId"/>) and signs in with the
/// personal ID number; the name, date of birth and address stay in the registry and are read from there when a
/// client is allowed to receive them. Officers and administrators are accounts too, with a TOTP second factor.
/// </summary>
public sealed class Account : IdentityUser<Guid>
{
    public AccountKind Kind { get; set; }
    public AssuranceLevel Level { get; set; } = AssuranceLevel.Level1;

    /// <summary>The registry record of a citizen's account; null for officers and administrators.</summary>
    public Guid? CitizenId { get; set; }

    /// <summary>The level-2 account of the parent or guardian who registered a child under 14 (Decree 69 Art. 7).</summary>
    public Guid? GuardianAccountId { get; set; }

    /// <summary>Officers' and administrators' name as shown to colleagues. Citizens' names are the registry's.</summary>
    public string? DisplayName { get; set; }

    public AccountLock Lock { get; set; }
    public string? LockReason { get; set; }
    public DateTimeOffset? LockedAt { get; set; }

    /// <summary>A police lock approved with an end date is lifted on that day (Vietnam time) by <c>Locks.LockExpiry</c>.</summary>
    public DateOnly? LockEndsOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? Level2At { get; set; }

    public bool IsStaff => Kind is AccountKind.Officer or AccountKind.Administrator;

    /// <summary>The acr value a sign-in of this account carries (docs/identity.md: mapping to eIDAS).</summary>
    public string Acr => Level == AssuranceLevel.Level2 ? Assurance.Level2 : Assurance.Level1;
}

public static class Assurance
{
    public const string Level1 = "urn:dinh:loa:1";
    public const string Level2 = "urn:dinh:loa:2";

    public static AssuranceLevel? Parse(string? acr) => acr switch
    {
        Level1 => AssuranceLevel.Level1,
        Level2 => AssuranceLevel.Level2,
        _ => null,
    };
}

public enum LoginOutcome
{
    Success = 1,
    WrongPassword = 2,
    LockedOut = 3,
    Locked = 4,
    WrongSecondFactor = 5,
}

/// <summary>One sign-in attempt on a known account: the account's login history, shown to its owner.</summary>
public sealed class LoginEvent
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public DateTimeOffset At { get; set; }
    public LoginOutcome Outcome { get; set; }
    public string? Client { get; set; }
    public string? Device { get; set; }
    public string? Address { get; set; }
}

/// <summary>
/// A signed-in browser. The cookie carries the session id; a revoked session ("sign out everywhere", a password
/// reset, a police lock) is refused at the next request on every instance.
/// </summary>
public sealed class AccountSession
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public string? Device { get; set; }
    public string? Address { get; set; }

    /// <summary>How the user authenticated: "pwd", or "pwd otp" with the TOTP second factor (RFC 8176 amr values).</summary>
    public string Methods { get; set; } = "pwd";
    public DateTimeOffset? RevokedAt { get; set; }
}
