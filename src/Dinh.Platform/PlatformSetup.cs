using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
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
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
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
        services.AddDinhMessaging(builder.Configuration, builder.Environment);

        // Keys in the database: every instance sharing it can read the others' cookies and tokens.
        var dataProtection = services.AddDataProtection().SetApplicationName("dinh").PersistKeysToDbContext<PlatformDbContext>();
        if (builder.Configuration["Dinh:DataProtection:CertificatePath"] is { Length: > 0 } certificatePath)
        {
            dataProtection.ProtectKeysWithCertificate(LoadCertificate(certificatePath, builder.Configuration["Dinh:DataProtection:CertificatePassword"]));
        }
        services.AddDinhClientCertificates(builder.Configuration);
        if (builder.Configuration.GetSection("Dinh:Http:TrustedProxies").Get<string[]>() is { Length: > 0 } proxies)
        {
            services.Configure<ForwardedHeadersOptions>(options =>
            {
                // Only the listed proxies may say which client and scheme a request came from.
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                foreach (var proxy in proxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        }

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

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException("Dinh:DataProtection", typeof(X509Certificate2),
                [$"Dinh:DataProtection:CertificatePath (env Dinh__DataProtection__CertificatePath) '{path}' cannot be loaded: {ex.Message}"]);
        }
    }

    /// <summary>The platform's middleware. Order matters: errors are translated outermost, so that they cover everything after.</summary>
    public static WebApplication UseDinhPlatform(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Configuration.GetSection("Dinh:Http:TrustedProxies").Get<string[]>() is { Length: > 0 })
        {
            app.UseForwardedHeaders();
        }
        app.UseDinhClientCertificates();
        // Outermost, so that error pages written on the way back out are in the visitor's language too.
        app.UseRequestLocalization();
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // PlatformExceptionHandler logs what may be logged; the middleware's own log would quote the exception message.
            SuppressDiagnosticsCallback = _ => true,
        });
        // Before authentication: OpenIddict answers its own endpoints there (discovery, keys, introspection, revocation,
        // token errors, and client_credentials tokens, ADR 0024), and those answers get the same headers as every other.
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // Explicitly, inside the error translation: left implicit, WebApplication puts authentication first in the
        // pipeline, outside UseExceptionHandler, so a database outage while a session cookie was being checked
        // escaped as a bare 500 instead of a 503 with problem details (found by the PostgreSQL restart test). Still
        // outside the status-code pages, as before: OpenIddict's endpoints answer from here with bodies of their own.
        // Dinh's variant of UseAuthentication: schemes that answer requests themselves are asked on their own paths only.
        app.UseDinhAuthentication();
        app.UseAuthorization();
        app.UseStatusCodePages(async context =>
            await ErrorResponses.WriteAsync(context.HttpContext, await ErrorResponses.ForResponseAsync(context.HttpContext)));
        return app;
    }

    public static IEndpointRouteBuilder MapDinhPlatform(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapCspReports();
        if (endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            endpoints.MapDevelopmentMailbox();
        }
        return endpoints;
    }
}
