using Dinh.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

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
