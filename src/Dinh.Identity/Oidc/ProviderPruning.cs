using Dinh.Identity.Persistence;
using Dinh.Platform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;

namespace Dinh.Identity.Oidc;

/// <summary>
/// Deletes what the provider no longer needs, once an hour on every instance (deletes are idempotent, so instances
/// need not agree who does it): tokens and authorizations that are expired, redeemed, revoked or orphaned — the
/// client-assertion replay rows among them — a day after their creation, and one-time codes (with the registration
/// data they carry) a day after they expired. Login history and sessions are kept: the citizen reads them.
/// </summary>
internal sealed partial class ProviderPruning(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ProviderPruning> logger) : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    public sealed record Pruned(long Tokens, long Authorizations, int OneTimeCodes);

    /// <summary>One pass; the cut-off is <see cref="Grace"/> before <paramref name="now"/>.</summary>
    public async Task<Pruned> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var cutoff = now - Grace;
        var tokens = await services.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(cutoff, cancellationToken);
        var authorizations = await services.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(cutoff, cancellationToken);
        // SQL, not LINQ: EF's SQLite provider does not translate DateTimeOffset comparisons (stored as UTC text there).
        var codes = await services.GetRequiredService<AccountsDbContext>().Database
            .ExecuteSqlAsync($"DELETE FROM one_time_codes WHERE expires_at < {cutoff}", cancellationToken);
        return new Pruned(tokens, authorizations, codes);
    }

    protected override TimeSpan Interval => Every;

    protected override async Task RunPassAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pruned = await PruneAsync(now, cancellationToken);
        LogPruned(logger, pruned.Tokens, pruned.Authorizations, pruned.OneTimeCodes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Tokens} tokens, {Authorizations} authorizations and {Codes} one-time codes")]
    private static partial void LogPruned(ILogger logger, long tokens, long authorizations, int codes);
}
