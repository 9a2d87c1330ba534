using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Dinh.Identity.Oidc;

/// <summary>
/// OpenIddict's event dispatcher, with the handlers of each event type looked up once instead of on every event.
/// OpenIddict's own dispatcher walks all of its several hundred handler descriptors for each of the ~20 events of a
/// request to find the few registered for that event, and asks the container again for every singleton handler and
/// filter it meets: together 6–8 % of the token endpoint's CPU (docs/performance.md). The rest is OpenIddict's
/// contract, kept as it is: descriptors in their order, every filter asked on every event, scoped handlers and filters
/// resolved from the request's services, and the dispatch stops once the request is handled or skipped or the context
/// rejected.
/// </summary>
internal sealed class IndexedServerDispatcher(ILogger<IndexedServerDispatcher> logger, IOptionsMonitor<OpenIddictServerOptions> options,
    IServiceProvider provider, ServerHandlerIndex index) : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : OpenIddictServerEvents.BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var descriptor in index.For<TContext>(options.CurrentValue.Handlers))
        {
            if (!await IsActiveAsync(descriptor, context))
            {
                continue;
            }
            var handler = index.Resolve(descriptor.ServiceDescriptor, provider) as IOpenIddictServerHandler<TContext>
                ?? throw new InvalidOperationException($"The event handler {descriptor.ServiceDescriptor.ServiceType} is not registered or does not handle {typeof(TContext)}.");
            try
            {
                await handler.HandleAsync(context);
            }
            catch (Exception exception) when (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug(exception, "Event handler {Handler} failed on {Context}.", handler.GetType().FullName, typeof(TContext).FullName);
                throw;
            }
            if (context is OpenIddictServerEvents.BaseRequestContext { IsRequestHandled: true } or OpenIddictServerEvents.BaseRequestContext { IsRequestSkipped: true }
                or OpenIddictServerEvents.BaseValidatingContext { IsRejected: true })
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.LogDebug("{Context} stopped after {Handler} (handled, skipped or rejected).", typeof(TContext).FullName, handler.GetType().FullName);
                }
                return;
            }
        }
    }

    private async ValueTask<bool> IsActiveAsync<TContext>(OpenIddictServerHandlerDescriptor descriptor, TContext context) where TContext : OpenIddictServerEvents.BaseContext
    {
        foreach (var type in descriptor.FilterTypes)
        {
            var filter = index.Filter(type, provider) as IOpenIddictServerHandlerFilter<TContext>
                ?? throw new InvalidOperationException($"The handler filter {type} is not registered or does not apply to {typeof(TContext)}.");
            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// Per container (a singleton): the descriptors of each event type, and the singleton handlers and filters once resolved
/// (the container hands out the same instances on every request anyway). Which ones are singletons is read from the
/// service collection (<see cref="Singletons"/>), not from OpenIddict's descriptors; any other is resolved per request.
/// </summary>
internal sealed class ServerHandlerIndex(IServiceProvider root, IReadOnlySet<Type> singletonTypes)
{
    private readonly ConcurrentDictionary<Type, (List<OpenIddictServerHandlerDescriptor> Source, int Count, OpenIddictServerHandlerDescriptor[] Matching)> byContext = new();
    private readonly ConcurrentDictionary<Type, object?> singletons = new();

    public OpenIddictServerHandlerDescriptor[] For<TContext>(List<OpenIddictServerHandlerDescriptor> descriptors)
    {
        // OpenIddict sorts the list when the options are built and forbids changing it afterwards (new options, new list);
        // the count is a guard.
        if (byContext.TryGetValue(typeof(TContext), out var entry) && ReferenceEquals(entry.Source, descriptors) && entry.Count == descriptors.Count)
        {
            return entry.Matching;
        }
        var matching = descriptors.Where(d => d.ContextType == typeof(TContext)).ToArray();
        byContext[typeof(TContext)] = (descriptors, descriptors.Count, matching);
        return matching;
    }

    public object? Resolve(ServiceDescriptor service, IServiceProvider scoped) =>
        service.ImplementationInstance ?? Filter(service.ServiceType, scoped);

    public object? Filter(Type type, IServiceProvider scoped) =>
        singletonTypes.Contains(type) ? singletons.GetOrAdd(type, root.GetService) : scoped.GetService(type);

    /// <summary>The handler and filter types of OpenIddict's server whose registration (the last one: the container's) is a singleton.</summary>
    public static HashSet<Type> Singletons(IServiceCollection services)
    {
        var lifetimes = new Dictionary<Type, ServiceLifetime>();
        foreach (var service in services)
        {
            if (!service.IsKeyedService && service.ServiceType.GetInterfaces().Any(i => i.IsGenericType
                    && (i.GetGenericTypeDefinition() == typeof(IOpenIddictServerHandlerFilter<>) || i.GetGenericTypeDefinition() == typeof(IOpenIddictServerHandler<>))))
            {
                lifetimes[service.ServiceType] = service.Lifetime;
            }
        }
        return [.. lifetimes.Where(l => l.Value == ServiceLifetime.Singleton).Select(l => l.Key)];
    }
}
