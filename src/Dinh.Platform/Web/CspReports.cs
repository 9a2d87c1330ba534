using System.Diagnostics.Metrics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Dinh.Platform.Web;

/// <summary>
/// Receives the browser's Content-Security-Policy violation reports (Reporting API, application/reports+json),
/// so operators learn when a page breaks the policy or someone tries to inject script.
/// </summary>
internal static partial class CspReports
{
    private static readonly Meter Meter = new("Dinh.Platform");
    private static readonly Counter<long> Violations = Meter.CreateCounter<long>("dinh.csp.violations");

    public static void MapCspReports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SecurityHeadersMiddleware.CspReportPath, Receive)
            .Accepts<CspReport[]>("application/reports+json")
            .WithMetadata(new RequestSizeLimitAttribute(64 * 1024))
            .DisableAntiforgery()
            .WithTags("Operations")
            .WithSummary("Receive Content-Security-Policy violation reports from browsers");
    }

    private static NoContent Receive([FromBody] CspReport[] reports, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(CspReports));
        foreach (var report in reports.Where(r => r.Type == "csp-violation").Take(20))
        {
            var directive = report.Body?.EffectiveDirective ?? "?";
            Violations.Add(1, new KeyValuePair<string, object?>("directive", directive));
            // The blocked origin only: the document URL may hold a personal ID number.
            LogViolation(logger, directive, Origin(report.Body?.BlockedUrl));
        }
        return TypedResults.NoContent();
    }

    private static string Origin(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : (url is { Length: < 16 } ? url : "?");

    [LoggerMessage(Level = LogLevel.Warning, Message = "CSP violation of {Directive} by {BlockedOrigin}")]
    private static partial void LogViolation(ILogger logger, string directive, string blockedOrigin);
}

internal sealed record CspReport(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("body")] CspReportBody? Body);

internal sealed record CspReportBody(
    [property: JsonPropertyName("effectiveDirective")] string? EffectiveDirective,
    [property: JsonPropertyName("blockedURL")] string? BlockedUrl);
