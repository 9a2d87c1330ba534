using Dinh.Platform.Auditing;
using Dinh.Platform.Observability;
using Dinh.Platform.Persistence;
using Dinh.Platform.Problems;
using Dinh.Platform.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dinh.Platform;

public sealed class LimitsOptions
{
    public const string Section = "Dinh:Limits";

    /// <summary>Default cap on request bodies; endpoints that take uploads raise it for themselves.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

public static class PlatformSetup
{
    public static WebApplicationBuilder AddDinhPlatform(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddDinhPersistence(builder.Configuration);
        services.AddScoped<AuditVerifier>();

        // Keys in the database: every instance sharing it can read the others' cookies and tokens.
        services.AddDataProtection().SetApplicationName("dinh").PersistKeysToDbContext<PlatformDbContext>();

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var extensions = context.ProblemDetails.Extensions;
            extensions.TryAdd("code", PlatformErrors.ForStatus(context.ProblemDetails.Status ?? 500).Code);
            extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<PlatformExceptionHandler>();

        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = limits.MaxRequestBodyBytes;
            form.ValueCountLimit = 512;
        });

        services.AddHealthChecks().AddDbContextCheck<PlatformDbContext>("database", tags: ["ready"]);
        services.AddDinhTelemetry();
        services.Configure<RequestLocalizationOptions>(Cultures.Configure);
        return builder;
    }

    /// <summary>The platform's middleware. Order matters: errors are translated outermost, so that they cover everything after.</summary>
    public static WebApplication UseDinhPlatform(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Outermost, so that error pages written on the way back out are in the visitor's language too.
        app.UseRequestLocalization();
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // PlatformExceptionHandler logs what may be logged; the middleware's own log would quote the exception message.
            SuppressDiagnosticsCallback = _ => true,
        });
        app.UseStatusCodePages(context => ErrorResponses.WriteAsync(context.HttpContext, ErrorResponses.ForResponse(context.HttpContext)));
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapDinhPlatform(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapCspReports();
        return endpoints;
    }
}
