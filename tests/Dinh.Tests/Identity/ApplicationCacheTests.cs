using Dinh.Identity.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace Dinh.Tests.Identity;

/// <summary>
/// The application cache shared between requests (Oidc/SharedApplicationCache): a client is read from the database
/// once per 30 s, not once per token request; a change made through OpenIddict's manager is seen at once.
/// </summary>
public sealed class ApplicationCacheTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task A_client_is_read_once_and_a_change_through_the_manager_is_seen_at_once()
    {
        var clientId = "cache-test-" + Guid.NewGuid().ToString("N")[..8];
        await InScopeAsync(applications => applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientType = OpenIddictConstants.ClientTypes.Confidential, ClientSecret = "cache-test-secret-2026",
            DisplayName = "Before", Permissions = { OpenIddictConstants.Permissions.Endpoints.Token },
        }).AsTask());
        Assert.Equal("Before", await DisplayNameAsync(clientId));

        // Changed behind OpenIddict's back (another instance would do this): this instance still serves what it read.
        await app.TamperAsync("UPDATE \"OpenIddictApplications\" SET display_name = 'Elsewhere' WHERE client_id = {0}", clientId);
        Assert.Equal("Before", await DisplayNameAsync(clientId));

        // Changed through the manager on this instance: dropped from the cache, read again.
        await InScopeAsync(async applications =>
        {
            var application = await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client gone");
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application);
            descriptor.DisplayName = "After";
            await applications.UpdateAsync(application, descriptor);
        });
        Assert.Equal("After", await DisplayNameAsync(clientId));
    }

    [Fact]
    public async Task Within_one_request_a_cached_client_is_one_instance_that_can_be_changed_twice_and_deleted()
    {
        var clientId = await CreateAsync("Before");
        Assert.Equal("Before", await DisplayNameAsync(clientId));

        await InScopeAsync(async applications =>
        {
            // Served from the shared cache: the same instance on every ask within the request, by client id or by id.
            var first = await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client gone");
            Assert.Same(first, await applications.FindByClientIdAsync(clientId));
            Assert.Same(first, await applications.FindByIdAsync(await applications.GetIdAsync(first) ?? ""));

            await RenameAsync(applications, first, "Once");
            var changed = await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client gone");
            Assert.Equal("Once", await applications.GetDisplayNameAsync(changed));
            await RenameAsync(applications, changed, "Twice");
            await applications.DeleteAsync(await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client gone"));
        });
        Assert.Null(await DisplayNameAsync(clientId));
    }

    [Fact]
    public async Task A_client_the_request_already_read_itself_is_the_instance_the_cache_hands_out()
    {
        var clientId = await CreateAsync("Before");
        Assert.Equal("Before", await DisplayNameAsync(clientId));

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var own = await db.Set<OpenIddictEntityFrameworkCoreApplication<Guid>>().AsTracking().SingleAsync(a => a.ClientId == clientId);
        // A second instance with the same key in one context could be neither updated nor deleted (EF refuses to track both).
        Assert.Same(own, await applications.FindByClientIdAsync(clientId));
        await RenameAsync(applications, own, "After");
        Assert.Equal("After", await DisplayNameAsync(clientId));
    }

    [Fact]
    public async Task A_cached_client_is_handed_out_untracked_and_is_attached_only_to_be_changed()
    {
        var clientId = await CreateAsync("Before");
        Assert.Equal("Before", await DisplayNameAsync(clientId));

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var copy = (OpenIddictEntityFrameworkCoreApplication<Guid>)(await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client gone"));
        // The token endpoint's path: the context tracks nothing (attaching every copy was 3 % of a token's CPU).
        Assert.Equal(EntityState.Detached, db.Entry(copy).State);
        Assert.Empty(db.ChangeTracker.Entries());

        // OpenIddict's manager checks the client id's uniqueness with a tracking query before it updates: that query must
        // find this instance, not start tracking a second one (EF Core would refuse to attach the copy afterwards).
        await RenameAsync(applications, copy, "After");
        Assert.Same(copy, await applications.FindByClientIdAsync(clientId));
        Assert.Equal("After", await DisplayNameAsync(clientId));
    }

    private async Task<string> CreateAsync(string displayName)
    {
        var clientId = "cache-test-" + Guid.NewGuid().ToString("N")[..8];
        await InScopeAsync(applications => applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientType = OpenIddictConstants.ClientTypes.Confidential, ClientSecret = "cache-test-secret-2026",
            DisplayName = displayName, Permissions = { OpenIddictConstants.Permissions.Endpoints.Token },
        }).AsTask());
        return clientId;
    }

    private static async Task RenameAsync(IOpenIddictApplicationManager applications, object application, string displayName)
    {
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application);
        descriptor.DisplayName = displayName;
        await applications.UpdateAsync(application, descriptor);
    }

    private async Task<string?> DisplayNameAsync(string clientId)
    {
        string? name = null;
        await InScopeAsync(async applications =>
            name = await applications.FindByClientIdAsync(clientId) is { } application ? await applications.GetDisplayNameAsync(application) : null);
        return name;
    }

    private async Task InScopeAsync(Func<IOpenIddictApplicationManager, Task> work)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>());
    }
}
