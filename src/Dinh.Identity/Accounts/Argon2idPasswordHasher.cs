using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace Dinh.Identity.Accounts;

/// <summary>
/// Argon2id parameters (RFC 9106), <c>Dinh:Identity:PasswordHash</c>. The defaults are OWASP's 46 MiB configuration
/// (46 MiB, 1 pass, 1 lane: the most memory of OWASP's equal configurations, ADR 0030); weaker settings are refused at
/// start (ADR 0022).
/// </summary>
public sealed class PasswordHashOptions
{
    public const string Section = "Dinh:Identity:PasswordHash";

    /// <summary>Memory per hash, in KiB.</summary>
    public int MemoryKiB { get; set; } = 47_104;

    /// <summary>Passes over that memory.</summary>
    public int Passes { get; set; } = 1;

    /// <summary>
    /// Hashes computed at once on this instance (default: one per CPU); more wait. Each holds <see cref="MemoryKiB"/>
    /// while it runs, so this bounds the memory a flood of sign-ins can take; more hashes than CPUs would not finish
    /// sooner (the login rate was the same with 2 × CPUs: bench/run-login.sh, docs/performance.md).
    /// </summary>
    public int MaxConcurrent { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// OWASP's equivalent Argon2id configurations run from 46 MiB × 1 pass to 7 MiB × 5 passes: at least 7 MiB and at
    /// least 35,840 KiB-passes in all.
    /// </summary>
    public bool IsStrongEnough => MemoryKiB >= 7_168 && Passes >= 1 && (long)MemoryKiB * Passes >= 35_840;
}

/// <summary>
/// Passwords hashed with Argon2id through libsodium (NSec), stored in the PHC string format
/// <c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>. Hashes made before (Identity's PBKDF2-HMAC-SHA512 format) and
/// Argon2id hashes with weaker parameters than the configured ones still verify, and are answered
/// <see cref="PasswordVerificationResult.SuccessRehashNeeded"/> so that Identity stores a new hash at that sign-in.
/// Weaker means less memory, or the same memory and fewer passes: memory first, as in RFC 9106 (ADR 0030). So two
/// instances configured differently during a rolling change never move a hash back and forth, and a hash with more
/// memory than configured is kept.
/// </summary>
public sealed class Argon2idPasswordHasher<TUser> : IPasswordHasher<TUser>, IDisposable where TUser : class
{
    private const string Prefix = "$argon2id$v=19$";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly PasswordHashOptions options;
    private readonly Argon2id argon2id;
    private readonly PasswordHasher<TUser> pbkdf2;
    private readonly SemaphoreSlim running;

    public Argon2idPasswordHasher(IOptions<PasswordHashOptions> options, IOptions<PasswordHasherOptions> pbkdf2Options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        argon2id = Algorithm(this.options.MemoryKiB, this.options.Passes);
        pbkdf2 = new PasswordHasher<TUser>(pbkdf2Options);
        running = new SemaphoreSlim(Math.Max(1, this.options.MaxConcurrent));
    }

    public string HashPassword(TUser user, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(argon2id, password, salt);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}m={options.MemoryKiB},t={options.Passes},p=1${Base64(salt)}${Base64(hash)}");
    }

    public PasswordVerificationResult VerifyHashedPassword(TUser user, string hashedPassword, string providedPassword)
    {
        ArgumentNullException.ThrowIfNull(hashedPassword);
        ArgumentNullException.ThrowIfNull(providedPassword);
        if (!hashedPassword.StartsWith(Prefix, StringComparison.Ordinal))
        {
            // Identity's own formats, from before Argon2id: verified as they are, then replaced.
            return pbkdf2.VerifyHashedPassword(user, hashedPassword, providedPassword) == PasswordVerificationResult.Failed
                ? PasswordVerificationResult.Failed
                : PasswordVerificationResult.SuccessRehashNeeded;
        }
        if (!TryParse(hashedPassword, out var memoryKiB, out var passes, out var salt, out var expected))
        {
            return PasswordVerificationResult.Failed;
        }
        var algorithm = memoryKiB == options.MemoryKiB && passes == options.Passes ? argon2id : Algorithm(memoryKiB, passes);
        var actual = Derive(algorithm, providedPassword, salt);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerificationResult.Failed;
        }
        return memoryKiB < options.MemoryKiB || (memoryKiB == options.MemoryKiB && passes < options.Passes)
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }

    public void Dispose() => running.Dispose();

    private byte[] Derive(Argon2id algorithm, string password, byte[] salt)
    {
        running.Wait();
        try
        {
            return algorithm.DeriveBytes(password, salt, HashBytes);
        }
        finally
        {
            running.Release();
        }
    }

    private static Argon2id Algorithm(int memoryKiB, int passes) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = passes,
        });

    /// <summary>
    /// <c>m=…,t=…,p=1$salt$hash</c> after the prefix. Only what this hasher writes is accepted: one lane, a 16-byte salt,
    /// a 32-byte hash, and parameters within what a sign-in may be asked to spend.
    /// </summary>
    private static bool TryParse(string encoded, out int memoryKiB, out int passes, out byte[] salt, out byte[] hash)
    {
        (memoryKiB, passes, salt, hash) = (0, 0, [], []);
        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }
        var parameters = parts[0].Split(',');
        if (parameters.Length != 3 || parameters[2] != "p=1"
            || !TryParameter(parameters[0], "m=", out memoryKiB) || !TryParameter(parameters[1], "t=", out passes)
            || memoryKiB is < 8 or > 1_048_576 || passes is < 1 or > 16)
        {
            return false;
        }
        salt = FromBase64(parts[1]) ?? [];
        hash = FromBase64(parts[2]) ?? [];
        return salt.Length == SaltBytes && hash.Length == HashBytes;
    }

    private static bool TryParameter(string text, string name, out int value)
    {
        value = 0;
        return text.StartsWith(name, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    // The PHC format: standard base64 without padding.
    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromBase64(string text)
    {
        var padded = text + new string('=', (4 - text.Length % 4) % 4);
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>
/// A hash of a random password made by this instance's hasher, which sign-in verifies for an unknown login (and for a
/// locked account): with the same algorithm and parameters as a real account's hash, both take as long.
/// </summary>
public sealed class UnknownLoginHash(IPasswordHasher<Account> hasher)
{
    private readonly Lazy<string> value = new(() => hasher.HashPassword(new Account(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    public string Value => value.Value;
}
