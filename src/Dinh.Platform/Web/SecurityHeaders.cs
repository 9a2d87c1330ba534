using Microsoft.AspNetCore.Http;

namespace Dinh.Platform.Web;

/// <summary>
/// Headers on every response. The CSP allows no inline script or style: pages ship their scripts and styles as
/// files, so an injected <c>&lt;script&gt;</c> cannot run.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string CspReportPath = "/api/csp-reports";

    private const string FormTargetsKey = "Dinh.Csp.FormTargets";

    // The policy of a response whose forms lead nowhere else (almost all of them), built once.
    private static readonly string DefaultContentSecurityPolicy = ContentSecurityPolicy("");
    private static readonly string ReportingEndpoints = $"csp=\"{CspReportPath}\"";

    private static string ContentSecurityPolicy(string formTargets) =>
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        $"connect-src 'self'; form-action 'self'{formTargets}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'; " +
        "report-to csp";

    /// <summary>
    /// Lets this response's forms lead to another origin: browsers apply form-action to the redirects after a form
    /// is posted, so the sign-in and consent forms of the OpenID provider must allow the (already validated)
    /// redirect URI's origin of the client that asked.
    /// </summary>
    public static void AllowFormTarget(HttpContext context, Uri target)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        var origin = target.GetLeftPart(UriPartial.Authority);
        var list = context.Items[FormTargetsKey] as List<string> ?? [];
        if (!list.Contains(origin))
        {
            list.Add(origin);
        }
        context.Items[FormTargetsKey] = list;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = http.Items[FormTargetsKey] is List<string> list
                ? ContentSecurityPolicy(string.Concat(list.Select(o => " " + o)))
                : DefaultContentSecurityPolicy;
            headers["Reporting-Endpoints"] = ReportingEndpoints;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
