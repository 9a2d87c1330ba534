using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dinh.Identity.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Accounts;

/// <summary>
/// The TOTP second factor (RFC 6238: 30-second steps, HMAC-SHA1, 6 digits, what authenticator apps compute), in place
/// of Identity's authenticator provider, which accepts the same code again and again for 2½ minutes. Here a code is
/// good once (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the OTP after the successful
/// validation has been issued for the first OTP"): the account records the last time step it accepted, and only a
/// later step passes. The check is one conditional UPDATE, so two instances given the same code at the same moment
/// cannot both accept it. Clock drift: the previous and the next step are accepted too (§5.2 recommends at most one
/// step of delay).
/// </summary>
internal sealed class TotpSecondFactor(AccountsDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<Account>
{
    public const int StepSeconds = 30;
    private const int Drift = 1;
    private const string LoginProvider = "[Dinh]";
    private const string LastStepName = "TotpLastStep";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<Account> manager, Account user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));
    }

    // The authenticator app makes the codes; the server never sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<Account> manager, Account user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<Account> manager, Account user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit) || Base32(key) is not { Length: > 0 } secret)
        {
            return false;
        }
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        long? matched = null;
        for (var step = now - Drift; step <= now + Drift; step++)
        {
            // Every step is computed and compared in constant time, so the timing does not tell which one matched.
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(secret, step)), Encoding.ASCII.GetBytes(token)))
            {
                matched = step;
            }
        }
        if (matched is not { } accepted)
        {
            return false;
        }
        // The last accepted step is kept with the account's other authenticator data (account_tokens), zero-padded so
        // that text order is number order; the conditional UPDATE is the check, atomic between instances.
        object account = db.Database.IsNpgsql() ? user.Id : user.Id.ToString().ToUpperInvariant();
        var value = accepted.ToString("D20", CultureInfo.InvariantCulture);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO account_tokens (user_id, login_provider, name, value) VALUES ({account}, {LoginProvider}, {LastStepName}, {new string('0', 20)})
            ON CONFLICT DO NOTHING
            """);
        var recorded = await db.Database.ExecuteSqlAsync($"""
            UPDATE account_tokens SET value = {value}
            WHERE user_id = {account} AND login_provider = {LoginProvider} AND name = {LastStepName} AND value < {value}
            """);
        return recorded == 1;
    }

    public static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1.
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff) % 1_000_000;
        return binary.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>(text.Length * 5 / 8);
        foreach (var c in text.TrimEnd('=').Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())
        {
            var index = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (index < 0)
            {
                return [];
            }
            value = (value << 5) | index;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
