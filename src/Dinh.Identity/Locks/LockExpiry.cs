using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Platform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dinh.Identity.Locks;

/// <summary>
/// Lifts police locks approved with an end date on that day (Vietnam time), every few minutes on every instance. Each
/// account is unlocked in a unit of work of its own, guarded by its concurrency stamp, so two instances lifting the same
/// lock write one unlock; the sign-in also lifts an ended lock, so the interval never keeps a citizen out.
/// </summary>
internal sealed partial class LockExpiry(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LockExpiry> logger) : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(5);
    private const int Batch = 100;

    /// <summary>One pass: every police lock whose end date is on or before the day of <paramref name="now"/>; returns how many were lifted.</summary>
    public async Task<int> LiftDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<Guid> due;
        var today = VietnamTime.DayOf(now);
        await using (var scope = scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Accounts.AsNoTracking()
                .Where(a => a.LockEndsOn != null && a.LockEndsOn <= today && a.Lock == AccountLock.Police)
                .OrderBy(a => a.LockEndsOn).Select(a => a.Id).Take(Batch).ToListAsync(cancellationToken);
        }
        var lifted = 0;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (account is { Lock: AccountLock.Police, LockEndsOn: { } ends } && ends <= today
                && await scope.ServiceProvider.GetRequiredService<AccountSignIn>()
                    .UnlockAsync(account, $"lock ended on {ends:yyyy-MM-dd}", "system:identity", LockRequests.LegalBasis))
            {
                lifted++;
            }
        }
        return lifted;
    }

    protected override TimeSpan Interval => Every;

    protected override async Task RunPassAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await LiftDueAsync(now, cancellationToken) is > 0 and var lifted)
        {
            LogLifted(logger, lifted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifted {Count} police locks that reached their end date")]
    private static partial void LogLifted(ILogger logger, int count);
}
