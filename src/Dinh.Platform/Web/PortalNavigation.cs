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
}

public static class PortalNavigation
{
    public static IServiceCollection AddPortalLink(this IServiceCollection services, PortalLink link) =>
        services.AddSingleton(link);
}
