using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Dinh.Platform.Observability;

internal static class Telemetry
{
    /// <summary>
    /// Metrics from the meters the framework already publishes (no instrumentation packages needed):
    /// HTTP server, Kestrel, .NET runtime, EF Core, Npgsql, and Dinh's own.
    /// </summary>
    public static IServiceCollection AddDinhTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("dinh"))
            .WithMetrics(metrics => metrics
                .AddMeter(
                    "Microsoft.AspNetCore.Hosting",
                    "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.Routing",
                    "Microsoft.AspNetCore.Diagnostics",
                    "System.Runtime",
                    "Microsoft.EntityFrameworkCore",
                    "Npgsql",
                    "Dinh.*")
                .AddPrometheusExporter());
        return services;
    }
}
