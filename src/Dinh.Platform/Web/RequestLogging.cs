using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Dinh.Platform.Web;

/// <summary>
/// One log line per request with the route template, never the path or query: paths carry personal ID numbers
/// and names (/api/citizens/001203004567). The framework's own request logs are turned down for that reason.
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
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
            var route = (endpoint ?? context.GetEndpoint()) is RouteEndpoint matched ? "/" + matched.RoutePattern.RawText?.TrimStart('/') : "(no route)";
            LogRequest(logger, context.Request.Method, route, context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.TraceIdentifier);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms ({TraceId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double elapsedMs, string traceId);
}
