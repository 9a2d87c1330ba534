using Dinh.Platform.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dinh.Platform.Problems;

/// <summary>Turns exceptions into problem details; a caller's mistake is never a 500.</summary>
internal sealed partial class PlatformExceptionHandler(ILogger<PlatformExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var error = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest }
                when await ErrorResponses.IsAntiforgeryFailureAsync(httpContext) => PlatformErrors.AntiforgeryFailed,
            BadHttpRequestException bad => bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => PlatformErrors.PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType => PlatformErrors.UnsupportedMediaType,
                _ => PlatformErrors.MalformedRequest,
            },
            DbUpdateConcurrencyException => PlatformErrors.Conflict,
            _ when IsDatabaseUnavailable(exception) => PlatformErrors.DatabaseUnavailable,
            _ => PlatformErrors.Internal,
        };

        if (error == PlatformErrors.Internal)
        {
            // The type and trace id only: exception messages can quote personal data from the request or the database.
            LogUnhandled(logger, exception.GetType().FullName ?? "?", httpContext.TraceIdentifier, exception.StackTrace ?? "");
        }
        else if (error == PlatformErrors.DatabaseUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
            LogDatabaseUnavailable(logger, exception.GetType().Name, httpContext.TraceIdentifier);
        }

        await ErrorResponses.WriteAsync(httpContext, error);
        return true;
    }

    /// <summary>
    /// The database cannot be reached or is shutting down, restarting or failing over: the caller may try again
    /// shortly (503 with Retry-After), it did nothing wrong and nothing is broken in the server (not a 500). EF Core
    /// wraps the provider's exception (an InvalidOperationException "likely due to a transient failure", or a
    /// DbUpdateException), so the whole chain is searched.
    /// </summary>
    internal static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DatabaseUnavailableException:
                // 08…: connection exceptions; 57P01/57P02/57P03: terminated by a shutdown, or not accepting connections yet.
                case PostgresException { SqlState: ['0', '8', ..] or "57P01" or "57P02" or "57P03" }:
                case NpgsqlException { IsTransient: true } and not PostgresException:
                    return true;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in request {TraceId} at {StackTrace}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string traceId, string stackTrace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable ({ExceptionType}) in request {TraceId}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string exceptionType, string traceId);
}
