using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using OpenIddict.Abstractions;

namespace Dinh.Identity.Pages.Admin;

/// <summary>Administrators register the applications that log in with Dinh (the same rules as `dinh clients add`).</summary>
[Authorize(Policy = IdentityPolicies.Administrator)]
internal sealed class ClientsModel(IOpenIddictApplicationManager applications, ClientRegistration registration, Persistence.AccountsDbContext db,
    IStringLocalizer<IdentityText> text) : PageModel
{
    public IReadOnlyList<(string ClientId, string Type, string Name)> Clients { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Secret { get; private set; }
    public string? Created { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync(string clientId, string name, string authentication, string[] grants, string[] scopes,
        string? redirectUris, string? postLogoutUris, string? jwks, int minimumLevel, string? logo, string? sector, string? algorithm)
    {
        static string[] Lines(string? text) => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (error, secret) = await registration.AddAsync(new ClientRequest(clientId ?? "", name ?? "", authentication ?? "", grants, ["openid", .. scopes],
            Lines(redirectUris), Lines(postLogoutUris), jwks, minimumLevel == 2 ? AssuranceLevel.Level2 : AssuranceLevel.Level1, logo, sector, algorithm ?? "ES256"),
            HttpContext.RequestAborted);
        if (error is not null)
        {
            Error = text["Clients.Error." + error];
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            Created = clientId;
            Secret = secret;
            db.Audit(IdentityAudit.Of($"account:{AccountCookie.AccountId(User)}", "oidc.client.registered", $"client:{clientId}", "administration",
                "Decree 69/2024", HttpContext.TraceIdentifier, authentication));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var list = new List<(string, string, string)>();
        await foreach (var application in applications.ListAsync(100, 0, HttpContext.RequestAborted))
        {
            list.Add((await applications.GetClientIdAsync(application, HttpContext.RequestAborted) ?? "",
                await applications.GetClientTypeAsync(application, HttpContext.RequestAborted) ?? "",
                await applications.GetDisplayNameAsync(application, HttpContext.RequestAborted) ?? ""));
        }
        Clients = list;
    }
}
