using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace Dinh.Platform.Web;

/// <summary>Vietnamese by default; English on request, remembered in a cookie.</summary>
public static class Cultures
{
    public const string Vietnamese = "vi";
    public const string English = "en";
    public static readonly string[] Supported = [Vietnamese, English];

    public static string CookieName => CookieRequestCultureProvider.DefaultCookieName;

    public static bool IsSupported(string? culture) => culture is Vietnamese or English;

    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == English;

    internal static void Configure(RequestLocalizationOptions options)
    {
        options.SetDefaultCulture(Vietnamese).AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
        // The browser's Accept-Language is ignored for pages on purpose: the portal is Vietnamese unless the
        // visitor chooses otherwise. API clients may still ask for English.
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider(),
            new ApiAcceptLanguageProvider(),
        ];
    }

    private sealed class ApiAcceptLanguageProvider : RequestCultureProvider
    {
        private readonly AcceptLanguageHeaderRequestCultureProvider _inner = new();

        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            httpContext.Request.Path.StartsWithSegments("/api")
                ? _inner.DetermineProviderCultureResult(httpContext)
                : NullProviderCultureResult;
    }
}
