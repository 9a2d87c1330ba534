using Dinh.Platform.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dinh.Server.Pages;

/// <summary>The start page of an area (citizen, officer, administration), listing what the enabled modules offer there.</summary>
public sealed class AreaModel(IEnumerable<PortalLink> links, IStringLocalizer<Ui> text) : PageModel
{
    public string Area { get; private set; } = "";
    public string Title { get; private set; } = "";
    public string Lead { get; private set; } = "";
    public IReadOnlyList<PortalLink> Links { get; private set; } = [];

    /// <summary>Pages of the area left off the list because the signed-in account may not open them.</summary>
    public int Hidden { get; private set; }

    public void OnGet(string area)
    {
        Area = area;
        var (kind, title, lead) = area switch
        {
            "citizen" => (PortalArea.Citizen, "Nav.Citizen", "Area.Citizen.Lead"),
            "officer" => (PortalArea.Officer, "Nav.Officer", "Area.Officer.Lead"),
            _ => (PortalArea.Administration, "Nav.Admin", "Area.Admin.Lead"),
        };
        Title = text[title];
        Lead = text[lead];
        var inArea = links.Where(l => l.Area == kind).ToList();
        Links = inArea.Where(l => l.IsShownTo(User)).ToList();
        Hidden = inArea.Count - Links.Count;
    }
}
