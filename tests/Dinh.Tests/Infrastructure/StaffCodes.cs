using Dinh.Identity.Seeding;

namespace Dinh.Tests.Infrastructure;

/// <summary>
/// TOTP codes for the demo staff accounts, each good once (RFC 6238 §5.2: the server accepts a time step only once
/// per account, and only the previous, current and next step). The tests sign the same officer in several times a
/// minute, so codes are handed out per database and login, each for a step not handed out before: the current one,
/// then the next, then the caller waits for the step to come. <see cref="Identity.AccountsDriver.SignInStaffAsync"/>
/// also reuses a signed-in session, so waiting is rare.
/// </summary>
public static class StaffCodes
{
    private static readonly Dictionary<string, long> Handed = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <param name="database">The database the accounts live in (a connection string), so that separate fixtures do not wait for each other.</param>
    public static async Task<string> NextAsync(string database, string login, string key = DemoAccounts.StaffTotpKey)
    {
        long step;
        long now;
        lock (Gate)
        {
            now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 30;
            var slot = database + "\n" + login;
            step = Handed.TryGetValue(slot, out var last) ? Math.Max(last + 1, now) : now;
            Handed[slot] = step;
        }
        // A code for step s is accepted from the start of step s - 1 until the end of step s + 1.
        var usable = DateTimeOffset.FromUnixTimeSeconds((step - 1) * 30);
        var wait = usable - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait + TimeSpan.FromMilliseconds(200));
        }
        return Totp.Code(key, DateTimeOffset.FromUnixTimeSeconds(step * 30));
    }
}
