using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dinh.Platform.Web;

/// <summary>
/// One log line per request with the route template, never the path or query: paths carry personal ID numbers
/// and names (/api/citizens/001203004567). The framework's own request logs are turned down for that reason.
/// The level follows the outcome (docs/adr/0019-request-log-levels.md): a refused request (4xx) is Information, a
/// failed (5xx) or slow one Warning, and an answered one Debug. A line per answered request cost a third of the
/// server's CPU on its cheapest endpoints; what is answered is counted by the request metrics instead.
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger, IConfiguration configuration)
{
    /// <summary>A request that takes at least this long is logged as a warning, whatever its status.</summary>
    private readonly TimeSpan _slow = configuration.GetValue("Dinh:Http:SlowRequestThreshold", TimeSpan.FromSeconds(1));

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // Captured before the error handlers run: they clear the endpoint when they re-execute.
        var endpoint = context.GetEndpoint();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = context.Response.StatusCode;
            var level = status >= 500 || elapsed >= _slow ? LogLevel.Warning : status >= 400 ? LogLevel.Information : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                var route = (endpoint ?? context.GetEndpoint()) is RouteEndpoint matched ? "/" + matched.RoutePattern.RawText?.TrimStart('/') : "(no route)";
                LogRequest(logger, level, context.Request.Method, route, status, elapsed.TotalMilliseconds, context.TraceIdentifier);
            }
        }
    }

    [LoggerMessage(Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms ({TraceId})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs, string traceId);
}
