namespace Dinh.Identity.Accounts;

public enum CodePurpose
{
    Registration = 1,
    PasswordReset = 2,
    EmailVerification = 3,
}

/// <summary>
/// A one-time code sent to a phone or an email through the outbox. Only its hash is stored; it expires, allows a few
/// attempts and is used once. A challenge exists even when the details did not match the registry (no code is
/// sent then), so the page that follows looks the same whether or not the ID number exists.
/// </summary>
public sealed class OneTimeCode
{
    public Guid Id { get; set; }
    public CodePurpose Purpose { get; set; }
    public byte[] CodeHash { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>Null when the details matched nothing: such a challenge can never succeed.</summary>
    public Guid? CitizenId { get; set; }
    public Guid? AccountId { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }

    public const int MaxAttempts = 5;

    public bool IsOpen(DateTimeOffset now) => UsedAt is null && now < ExpiresAt && Attempts < MaxAttempts;
}
