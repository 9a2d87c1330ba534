using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Dinh.Tests.ScaleOut;

/// <summary>
/// A real reverse proxy (YARP, in this test process, on loopback) in front of the instances: round robin, no session
/// affinity (so consecutive requests of one browser land on different instances), an active health check on
/// <c>/health/live</c> every second. Each answer says which instance served it in <see cref="UpstreamHeader"/>.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    public const string UpstreamHeader = "X-Test-Upstream";

    private readonly WebApplication _app;
    private readonly InMemoryConfigProvider _config;

    private LoopbackProxy(WebApplication app, InMemoryConfigProvider config, Uri address)
    {
        _app = app;
        _config = config;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the proxy with no instances yet (<see cref="Route"/> adds them), on a port chosen now.</summary>
    public static async Task<LoopbackProxy> StartAsync()
    {
        var address = new Uri($"http://127.0.0.1:{DinhProcess.FreePort()}");
        var builder = LoopbackApps.CreateBuilder(address.Port);
        var config = new InMemoryConfigProvider([], []);
        builder.Services.AddSingleton<IProxyConfigProvider>(config);
        builder.Services.AddReverseProxy().AddTransforms(transforms => transforms.AddResponseTransform(context =>
        {
            if (context.HttpContext.Features.Get<IReverseProxyFeature>()?.ProxiedDestination is { } destination)
            {
                context.HttpContext.Response.Headers[UpstreamHeader] = destination.DestinationId;
            }
            return ValueTask.CompletedTask;
        }));
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new LoopbackProxy(app, config, address);
    }

    /// <summary>Sends every path to these instances, in turn.</summary>
    public void Route(IEnumerable<DinhProcess> instances)
    {
        var destinations = instances.ToDictionary(i => i.Name, i => new DestinationConfig { Address = i.Address.ToString() });
        _config.Update(
            [new RouteConfig { RouteId = "all", ClusterId = "dinh", Match = new RouteMatch { Path = "{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "dinh",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = destinations,
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1), Path = "/health/live",
                        Policy = "ConsecutiveFailures",
                    },
                },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(30) },
            }]);
    }

    public ValueTask DisposeAsync() => LoopbackApps.StopAsync(_app);
}
