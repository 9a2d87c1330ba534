using System.Text.Encodings.Web;
using System.Text.Unicode;
using Dinh.Platform.Web;
using Microsoft.Extensions.WebEncoders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Dinh.Server.Web;

public static class WebSetup
{
    public static WebApplicationBuilder AddDinhWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLocalization();
        // Vietnamese text goes out as UTF-8, not as numeric entities (a page of &#x1EA1; is three times larger).
        builder.Services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.ConfigureFilter(new AntiforgeryFailureFilter());
            if (!builder.Environment.IsDevelopment())
            {
                // The development mailbox shows one-time codes: outside Development the page has no route at all.
                options.Conventions.AddPageRouteModelConvention("/Dev/Mailbox", model => model.Selectors.Clear());
            }
        });
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Dinh API";
            document.Info.Description = "Population registry, electronic identification and public services. " +
                "Errors are RFC 9457 problem details with a stable `code` (DINH-…).";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication UseDinhWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles();
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapDinhWeb(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRazorPages();
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        endpoints.MapPost("/language", SwitchLanguage).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The language switch: a plain form, so it works without JavaScript; the choice lives in a cookie for a year.</summary>
    private static RedirectHttpResult SwitchLanguage([FromForm] string culture, [FromForm] string? returnUrl, HttpContext http)
    {
        if (Cultures.IsSupported(culture))
        {
            http.Response.Cookies.Append(Cultures.CookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions
                {
                    MaxAge = TimeSpan.FromDays(365),
                    HttpOnly = true,
                    IsEssential = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = http.Request.IsHttps,
                });
        }
        // Only a local path: an absolute or protocol-relative URL here would make the switch an open redirect.
        var target = returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
        return TypedResults.Redirect(target, permanent: false, preserveMethod: false);
    }
}
