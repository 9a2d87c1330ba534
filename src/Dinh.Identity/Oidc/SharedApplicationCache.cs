using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dinh.Identity.Persistence;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace Dinh.Identity.Oidc;

/// <summary>
/// OpenIddict's application cache, shared by the requests of this instance for <see cref="Lifetime"/> instead of
/// living one request (OpenIddict's default). Every token request looks its client up by client_id; with the
/// per-request cache that was a database round trip and a quarter of the token endpoint's CPU (docs/performance.md).
/// Each request gets its own copy of the cached row, never a shared instance, attached to the request's context as
/// if it had just been queried (so OpenIddict's manager can update it as usual). An application changed or deleted through OpenIddict's manager on this instance is dropped at once
/// (the manager calls <see cref="RemoveAsync"/>); a change made on another instance is seen within
/// <see cref="Lifetime"/> — the same bound as the client-assertion keys (<see cref="ClientAssertionKeys"/>).
/// </summary>
internal sealed class SharedApplicationCache(IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication<Guid>> store, AccountsDbContext db,
    TimeProvider clock, SharedApplicationCache.Shelf shelf) : IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication<Guid>>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 10_000;

    /// <summary>The rows kept between requests: one per application (a singleton), not a static shared by every host in the process.</summary>
    internal sealed class Shelf
    {
        public ConcurrentDictionary<string, (OpenIddictEntityFrameworkCoreApplication<Guid> Row, DateTimeOffset At)> Rows { get; } = new(StringComparer.Ordinal);
    }

    private ConcurrentDictionary<string, (OpenIddictEntityFrameworkCoreApplication<Guid> Row, DateTimeOffset At)> Rows => shelf.Rows;

    // The instance handed out per application in this scope (this cache is scoped: one per request). OpenIddict asks for
    // the client five or six times per token request; the same instance each time, as OpenIddict's own per-request cache
    // does, without asking the context's change tracker again (DetectChanges on each ask was 2–3 % of a token's CPU).
    private readonly Dictionary<Guid, OpenIddictEntityFrameworkCoreApplication<Guid>> handedOut = [];

    public ValueTask AddAsync(OpenIddictEntityFrameworkCoreApplication<Guid> application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        Keep(application);
        handedOut[application.Id] = application;
        return ValueTask.CompletedTask;
    }

    public ValueTask<OpenIddictEntityFrameworkCoreApplication<Guid>?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync("client:" + identifier, () => store.FindByClientIdAsync(identifier, cancellationToken));

    public ValueTask<OpenIddictEntityFrameworkCoreApplication<Guid>?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync("id:" + identifier, () => store.FindByIdAsync(identifier, cancellationToken));

    // Redirect-URI look-ups happen at the authorization and end-session endpoints, a few per sign-in: not cached.
    public async IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication<Guid>> FindByPostLogoutRedirectUriAsync(string uri,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var application in store.FindByPostLogoutRedirectUriAsync(uri, cancellationToken))
        {
            yield return application;
        }
    }

    public async IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication<Guid>> FindByRedirectUriAsync(string uri,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var application in store.FindByRedirectUriAsync(uri, cancellationToken))
        {
            yield return application;
        }
    }

    public ValueTask RemoveAsync(OpenIddictEntityFrameworkCoreApplication<Guid> application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        Forget(application);
        handedOut.Remove(application.Id);
        return ValueTask.CompletedTask;
    }

    private async ValueTask<OpenIddictEntityFrameworkCoreApplication<Guid>?> FindAsync(string key,
        Func<ValueTask<OpenIddictEntityFrameworkCoreApplication<Guid>?>> load)
    {
        if (Rows.TryGetValue(key, out var cached) && clock.GetUtcNow() - cached.At < Lifetime)
        {
            if (handedOut.TryGetValue(cached.Row.Id, out var same))
            {
                return same;
            }
            var application = Tracked(cached.Row.Id);
            if (application is null)
            {
                application = Copy(cached.Row);
                db.Set<OpenIddictEntityFrameworkCoreApplication<Guid>>().Attach(application);
            }
            handedOut[application.Id] = application;
            return application;
        }
        var loaded = await load();
        if (loaded is not null)
        {
            Keep(loaded);
            handedOut[loaded.Id] = loaded;
        }
        return loaded;
    }

    // An instance this request's context already tracks (read by a query of its own): attaching a copy would clash with it.
    // Looked up without DetectChanges, which DbSet.Local and a tracking query would run over every tracked entity.
    private OpenIddictEntityFrameworkCoreApplication<Guid>? Tracked(Guid id)
    {
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries<OpenIddictEntityFrameworkCoreApplication<Guid>>())
            {
                if (entry.Entity.Id == id)
                {
                    return entry.Entity;
                }
            }
            return null;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private void Keep(OpenIddictEntityFrameworkCoreApplication<Guid> application)
    {
        if (Rows.Count >= MaxEntries)
        {
            Rows.Clear();
        }
        var entry = (Copy(application), clock.GetUtcNow());
        Rows[$"id:{application.Id}"] = entry;
        if (application.ClientId is { } clientId)
        {
            Rows["client:" + clientId] = entry;
        }
    }

    private void Forget(OpenIddictEntityFrameworkCoreApplication<Guid> application)
    {
        Rows.TryRemove($"id:{application.Id}", out _);
        if (application.ClientId is { } clientId)
        {
            Rows.TryRemove("client:" + clientId, out _);
        }
    }

    private static OpenIddictEntityFrameworkCoreApplication<Guid> Copy(OpenIddictEntityFrameworkCoreApplication<Guid> row) => new()
    {
        Id = row.Id,
        ApplicationType = row.ApplicationType,
        ClientId = row.ClientId,
        ClientSecret = row.ClientSecret,
        ClientType = row.ClientType,
        ConcurrencyToken = row.ConcurrencyToken,
        ConsentType = row.ConsentType,
        DisplayName = row.DisplayName,
        DisplayNames = row.DisplayNames,
        JsonWebKeySet = row.JsonWebKeySet,
        Permissions = row.Permissions,
        PostLogoutRedirectUris = row.PostLogoutRedirectUris,
        Properties = row.Properties,
        RedirectUris = row.RedirectUris,
        Requirements = row.Requirements,
        Settings = row.Settings,
    };
}
