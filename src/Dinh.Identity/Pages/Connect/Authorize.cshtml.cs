using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Dinh.Identity.Persistence;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Pages.Connect;

/// <summary>
/// The authorization endpoint (OpenIddict has already validated the client, redirect URI, PKCE and scopes). Here:
/// sign-in (forced by prompt=login or an old auth_time under max_age), the level a client requires, and consent —
/// remembered per client and revocable from "connected apps".
/// </summary>
[IgnoreAntiforgeryToken(Order = 1001)]
internal sealed class AuthorizeModel(AccountsDbContext db, OidcClaims claims, IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations, TimeProvider clock) : PageModel
{
    public string ClientName { get; private set; } = "";
    public string? LogoUri { get; private set; }
    public IReadOnlyList<ScopeCatalog.ScopeInfo> Requested { get; private set; } = [];
    public bool LevelTooLow { get; private set; }
    public IEnumerable<KeyValuePair<string, string>> Parameters =>
        Request.HasFormContentType ? Request.Form.Where(p => p.Key is not "__RequestVerificationToken" and not "decision").Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()))
            : Request.Query.Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()));

    public Task<IActionResult> OnGetAsync() => HandleAsync(decision: null);

    public async Task<IActionResult> OnPostAsync([FromForm] string? decision)
    {
        // The consent form is the only POST here, and it must come from Dinh's own page (antiforgery, below).
        var antiforgery = HttpContext.RequestServices.GetService(typeof(Microsoft.AspNetCore.Antiforgery.IAntiforgery)) as Microsoft.AspNetCore.Antiforgery.IAntiforgery;
        if (antiforgery is not null && !await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return BadRequest();
        }
        return await HandleAsync(decision);
    }

    private async Task<IActionResult> HandleAsync(string? decision)
    {
        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID authorization request.");
        await ClientOrigins.AllowAsync(HttpContext, applications, request.ClientId, request.RedirectUri);
        var cookie = await HttpContext.AuthenticateAsync(AccountCookie.Scheme);
        var authenticatedAt = AccountCookie.AuthenticatedAt(cookie.Principal);
        var mustLogIn = cookie.Principal is null
            || request.HasPromptValue(PromptValues.Login)
            || (request.MaxAge is { } maxAge && (authenticatedAt is null || clock.GetUtcNow() - authenticatedAt > TimeSpan.FromSeconds(maxAge)));
        if (mustLogIn)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Error(Errors.LoginRequired, "The user is not signed in.");
            }
            // prompt=login is honoured once: the return address drops it, and the login page always asks again.
            var parameters = Parameters.Where(p => p.Key != OpenIddictConstants.Parameters.Prompt || !request.HasPromptValue(PromptValues.Login))
                .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value));
            var returnUrl = OidcSetup.AuthorizePath + QueryString.Create(parameters);
            if (cookie.Principal is not null)
            {
                await AccountSessions.EndCurrentAsync(HttpContext);
            }
            return Redirect($"{AccountCookie.LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var accountId = AccountCookie.AccountId(cookie.Principal)!.Value;
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, HttpContext.RequestAborted);
        if (account is null || account.Lock != AccountLock.None)
        {
            return Error(Errors.AccessDenied, "The account cannot sign in.");
        }
        var application = await applications.FindByClientIdAsync(request.ClientId!, HttpContext.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict let an unknown client through.");
        var settings = await ClientSettings.ReadAsync(applications, application, HttpContext.RequestAborted);
        ClientName = await applications.GetLocalizedDisplayNameAsync(application, HttpContext.RequestAborted) ?? request.ClientId!;
        LogoUri = settings.LogoUri;
        Requested = request.GetScopes().Select(ScopeCatalog.Find).OfType<ScopeCatalog.ScopeInfo>().ToList();

        var required = settings.MinimumLevel;
        if (request.AcrValues?.Split(' ').Select(Assurance.Parse).Max() is { } asked && asked > required)
        {
            required = asked;
        }
        if (account.Level < required)
        {
            LevelTooLow = true;
            if (decision == "cancel")
            {
                return Error(Errors.AccessDenied, "The client requires an e-ID of level 2.");
            }
            return Page();
        }

        var applicationId = await applications.GetIdAsync(application, HttpContext.RequestAborted);
        var scopes = request.GetScopes();
        object? authorization = null;
        await foreach (var existing in authorizations.FindAsync(accountId.ToString(), applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, HttpContext.RequestAborted))
        {
            authorization = existing;
            break;
        }
        // prompt=consent: ask again even when the citizen has consented before (OpenID Connect Core §3.1.2.1).
        if (authorization is null || (request.HasPromptValue(PromptValues.Consent) && decision is null))
        {
            if (decision is null)
            {
                if (request.HasPromptValue(PromptValues.None))
                {
                    return Error(Errors.ConsentRequired, "The user has not consented to this client.");
                }
                return Page();
            }
            if (decision != "accept")
            {
                return Error(Errors.AccessDenied, "The user denied the request.");
            }
        }

        var principal = claims.Principal(account, cookie.Principal!, settings, scopes);
        authorization ??= await authorizations.CreateAsync(principal, accountId.ToString(), applicationId!, AuthorizationTypes.Permanent,
            scopes, HttpContext.RequestAborted);
        principal.SetAuthorizationId(await authorizations.GetIdAsync(authorization, HttpContext.RequestAborted));
        return SignIn(principal, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private ForbidResult Error(string error, string description) => Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
}
