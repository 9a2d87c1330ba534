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
/// filter it meets: together 6–8 % of the token endpoint's CPU (docs/performance.md). Each event type's steps are
/// therefore built once (<see cref="ServerHandlerIndex.For{TContext}"/>), with singleton handlers and filters already
/// resolved and typed, so that a step costs no container look-up and no cast (casts to OpenIddict's contravariant
/// handler interfaces take the runtime's slow path), and a filter or handler that finishes synchronously costs no
/// state machine of its own (each was ~10 % of the token endpoint's CPU together; docs/performance.md, ADR 0024).
/// The rest is OpenIddict's contract, kept as it is: descriptors in their order, every filter asked on every event,
/// scoped handlers and filters resolved from the request's services, and the dispatch stops once the request is
/// handled or skipped or the context rejected.
/// </summary>
internal sealed class IndexedServerDispatcher(ILogger<IndexedServerDispatcher> logger, IOptionsMonitor<OpenIddictServerOptions> options,
    IServiceProvider provider, ServerHandlerIndex index) : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : OpenIddictServerEvents.BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        var steps = index.For<TContext>(options.CurrentValue.Handlers);
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var active = true;
            foreach (var (singleton, type) in step.Filters)
            {
                var filter = singleton ?? Scoped<IOpenIddictServerHandlerFilter<TContext>>(type, "handler filter");
                var pending = filter.IsActiveAsync(context);
                if (!(pending.IsCompletedSuccessfully ? pending.Result : await pending))
                {
                    active = false;
                    break;
                }
            }
            if (!active)
            {
                continue;
            }
            var handler = step.Handler ?? Scoped<IOpenIddictServerHandler<TContext>>(step.HandlerType, "event handler");
            try
            {
                var handled = handler.HandleAsync(context);
                if (!handled.IsCompletedSuccessfully)
                {
                    await handled;
                }
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

    private T Scoped<T>(Type type, string what) where T : class =>
        provider.GetService(type) as T ?? throw new InvalidOperationException($"The {what} {type} is not registered or does not apply to {typeof(T)}.");
}

/// <summary>
/// Per container (a singleton): the steps of each event type, with the singleton handlers and filters resolved once
/// (the container hands out the same instances on every request anyway). Which ones are singletons is read from the
/// service collection (<see cref="Singletons"/>), not from OpenIddict's descriptors; any other is resolved per request.
/// </summary>
internal sealed class ServerHandlerIndex(IServiceProvider root, IReadOnlySet<Type> singletonTypes)
{
    private readonly ConcurrentDictionary<Type, object> plans = new();

    /// <summary>One handler of an event: its filters, and the handler itself when a singleton (else its type, resolved per request).</summary>
    internal sealed record Step<TContext>((IOpenIddictServerHandlerFilter<TContext>? Singleton, Type Type)[] Filters,
        IOpenIddictServerHandler<TContext>? Handler, Type HandlerType) where TContext : OpenIddictServerEvents.BaseContext;

    private sealed record Plan<TContext>(List<OpenIddictServerHandlerDescriptor> Source, int Count, Step<TContext>[] Steps)
        where TContext : OpenIddictServerEvents.BaseContext;

    public Step<TContext>[] For<TContext>(List<OpenIddictServerHandlerDescriptor> descriptors) where TContext : OpenIddictServerEvents.BaseContext
    {
        // OpenIddict sorts the list when the options are built and forbids changing it afterwards (new options, new list);
        // the count is a guard.
        if (plans.TryGetValue(typeof(TContext), out var found) && found is Plan<TContext> plan && ReferenceEquals(plan.Source, descriptors)
            && plan.Count == descriptors.Count)
        {
            return plan.Steps;
        }
        var steps = descriptors.Where(d => d.ContextType == typeof(TContext)).Select(d => new Step<TContext>(
                [.. d.FilterTypes.Select(type => (Singleton<IOpenIddictServerHandlerFilter<TContext>>(type, "handler filter"), type))],
                d.ServiceDescriptor.ImplementationInstance as IOpenIddictServerHandler<TContext>
                    ?? Singleton<IOpenIddictServerHandler<TContext>>(d.ServiceDescriptor.ServiceType, "event handler"),
                d.ServiceDescriptor.ServiceType))
            .ToArray();
        plans[typeof(TContext)] = new Plan<TContext>(descriptors, descriptors.Count, steps);
        return steps;
    }

    private T? Singleton<T>(Type type, string what) where T : class =>
        !singletonTypes.Contains(type) ? null
            : root.GetService(type) as T ?? throw new InvalidOperationException($"The {what} {type} is not registered or does not apply to {typeof(T)}.");

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
