using Dinh.Platform;
using Dinh.Platform.Jobs;
using Dinh.Registry.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dinh.Identity.Accounts;

/// <summary>
/// A guardianship registered with its last day ends on that day without an officer recording anything: every hour, on
/// every instance, the guardianships whose last day has passed (within <see cref="LookBack"/>) release their ward's
/// account as an ended one does (<see cref="AccountsFollowRegistry.ReleaseWardAsync"/>, idempotent). Until the
/// pass runs, the former guardian is already refused on "my children" (the guardianship is no longer in effect).
/// </summary>
internal sealed partial class GuardianshipExpiry(IServiceScopeFactory scopes, TimeProvider clock, ILogger<GuardianshipExpiry> logger) : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <summary>How far back a pass looks: an instance may be stopped for a while, never for this long.</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromDays(31);

    /// <summary>One pass as of <paramref name="now"/>; returns how many wards' accounts it released.</summary>
    public async Task<int> ReleaseEndedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<GuardianshipLink> ended;
        var today = VietnamTime.DayOf(now);
        await using (var scope = scopes.CreateAsyncScope())
        {
            ended = await scope.ServiceProvider.GetRequiredService<Guardianships>()
                .EndedAsync(today.AddDays(-(int)LookBack.TotalDays), today.AddDays(-1), cancellationToken);
        }
        var released = 0;
        foreach (var guardianship in ended)
        {
            await using var scope = scopes.CreateAsyncScope();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountsFollowRegistry>();
            if (await accounts.ReleaseWardAsync(guardianship.WardId, guardianship.GuardianId,
                    $"guardianship {guardianship.Id} ended on {guardianship.EndsOn:yyyy-MM-dd}: {guardianship.LegalBasis}", cancellationToken))
            {
                released++;
            }
        }
        return released;
    }

    protected override TimeSpan Interval => Every;

    protected override async Task RunPassAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await ReleaseEndedAsync(now, cancellationToken) is > 0 and var released)
        {
            LogReleased(logger, released);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} wards' accounts whose guardianship reached its last day")]
    private static partial void LogReleased(ILogger logger, int count);
}
