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
/// Each request gets its own copy of the cached row, never a shared instance, and not attached to the request's
/// context: OpenIddict's store attaches an application itself when it updates or deletes one, and queries the row
/// itself when it links a token or authorization to it, so attaching every copy (EF Core's change tracker: 3 % of a
/// token's CPU, docs/performance.md, ADR 0024) bought nothing. An instance the context already tracks (the request
/// read the row itself) is handed out instead of a copy, so that the context never holds two instances of one
/// application. An application changed or deleted through OpenIddict's manager on this instance is dropped at once
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
    // does, unless the context has since started tracking one of its own (see Tracked).
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

    /// <summary>
    /// Attaches a copy handed out here before OpenIddict's manager updates or deletes it (<see cref="CertificateClientManager"/>):
    /// the manager first checks the client id's uniqueness with a tracking query of its own, which must find this
    /// instance rather than start tracking a second one of the same key.
    /// </summary>
    internal void Track(OpenIddictEntityFrameworkCoreApplication<Guid> application)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (Tracked(application.Id) is null)
        {
            db.Set<OpenIddictEntityFrameworkCoreApplication<Guid>>().Attach(application);
        }
    }

    private async ValueTask<OpenIddictEntityFrameworkCoreApplication<Guid>?> FindAsync(string key,
        Func<ValueTask<OpenIddictEntityFrameworkCoreApplication<Guid>?>> load)
    {
        if (Rows.TryGetValue(key, out var cached) && clock.GetUtcNow() - cached.At < Lifetime)
        {
            var id = cached.Row.Id;
            var application = Tracked(id) ?? (handedOut.TryGetValue(id, out var same) ? same : Copy(cached.Row));
            handedOut[id] = application;
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

    // An instance this request's context tracks (read by a query of its own, or a copy the store attached to update it):
    // handing out another would let the store try to attach a second instance of the same key, which EF Core refuses.
    // Looked up without DetectChanges, which DbSet.Local and a tracking query would run over every tracked entity; on
    // the token endpoint the context tracks nothing, so this costs next to nothing.
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
