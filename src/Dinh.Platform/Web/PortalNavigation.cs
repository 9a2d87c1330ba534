using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Platform.Web;

/// <summary>The three areas of the portal that modules' pages plug into.</summary>
public enum PortalArea
{
    Citizen,
    Officer,
    Administration,
}

/// <summary>An entry a module adds to an area's start page, in both languages.</summary>
public sealed record PortalLink(PortalArea Area, string Path, string TitleVi, string TitleEn, string DescriptionVi, string DescriptionEn)
{
    public string Title => Cultures.IsEnglish ? TitleEn : TitleVi;
    public string Description => Cultures.IsEnglish ? DescriptionEn : DescriptionVi;

    /// <summary>
    /// For a signed-in account, whether the link is listed: the page's own rule (its role and jurisdiction), so that an
    /// officer sees only what they may open. Null: every account. A signed-out visitor sees every link (each page asks
    /// for the sign-in it needs). The page still checks for itself; this only keeps dead ends off the list.
    /// </summary>
    public Func<ClaimsPrincipal, bool>? ShownTo { get; init; }

    public bool IsShownTo(ClaimsPrincipal user) =>
        user?.Identity?.IsAuthenticated != true || ShownTo is null || ShownTo(user);
}

public static class PortalNavigation
{
    public static IServiceCollection AddPortalLink(this IServiceCollection services, PortalLink link) =>
        services.AddSingleton(link);
}
