using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Platform.Problems;

/// <summary>
/// Writes an error as RFC 9457 problem details for API clients, or as a short page in the visitor's language for
/// a browser navigating the site: a citizen who mistypes an address should not be shown JSON.
/// </summary>
public static class ErrorResponses
{
    public const string ProblemTypePrefix = "urn:dinh:problem:";

    public static async Task WriteAsync(HttpContext http, ErrorDefinition error, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(error);
        http.Response.StatusCode = error.Status;
        var culture = CultureInfo.CurrentUICulture;
        detail ??= error.Detail(culture);

        if (WantsHtml(http.Request))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(RenderPage(error, detail, culture, http.TraceIdentifier));
            return;
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = error.Status,
                Title = error.Title,
                Detail = detail,
                Type = ProblemTypePrefix + error.Code,
                Extensions = { ["code"] = error.Code },
            },
        });
    }

    /// <summary>The error that a bare status code set by the framework stands for.</summary>
    public static async Task<ErrorDefinition> ForResponseAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var status = http.Response.StatusCode;
        if (status == 400 && await IsAntiforgeryFailureAsync(http))
        {
            return PlatformErrors.AntiforgeryFailed;
        }
        var error = PlatformErrors.ForStatus(status);
        return error.Status == status ? error : error with { Status = status };
    }

    // Minimal-API form binding answers a bad token with a bare 400; re-checking the token (on this error path only)
    // tells a forged or expired form apart from other malformed requests.
    internal static async Task<bool> IsAntiforgeryFailureAsync(HttpContext http)
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is { } feature)
        {
            return !feature.IsValid;
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: true }
            || !http.Request.HasFormContentType)
        {
            return false;
        }
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        return !await antiforgery.IsRequestValidAsync(http);
    }

    public static bool WantsHtml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi"))
        {
            return false;
        }
        return request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    private static string RenderPage(ErrorDefinition error, string detail, CultureInfo culture, string traceId)
    {
        var en = culture.TwoLetterISOLanguageName == "en";
        var e = HtmlEncoder.Default;
        return $$"""
            <!DOCTYPE html>
            <html lang="{{(en ? "en" : "vi")}}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{error.Status}} · Dinh</title>
            <link rel="stylesheet" href="/css/site.css">
            </head>
            <body>
            <main id="main" class="container error-page">
            <h1>{{error.Status}}</h1>
            <p>{{e.Encode(detail)}}</p>
            <p class="muted">{{(en ? "Error code" : "Mã lỗi")}}: <code>{{e.Encode(error.Code)}}</code> · {{(en ? "Reference" : "Mã tham chiếu")}}: <code>{{e.Encode(traceId)}}</code></p>
            <p><a href="/">{{(en ? "Back to the home page" : "Về trang chủ")}}</a></p>
            </main>
            </body>
            </html>
            """;
    }
}
