using System.Security.Claims;
using Dinh.Identity.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Identity.Accounts;

/// <summary>
/// The browser sign-in of Dinh itself. The cookie holds the account id, the session id and how the user
/// authenticated; requests check the session against the database, so "sign out everywhere", a password reset or a
/// police lock take effect on the instance that made them at once and on every other instance within a few seconds
/// (<see cref="RecentSessionChecks"/>, ADR 0016).
/// </summary>
public static class AccountCookie
{
    public const string Scheme = "Dinh.Account";
    public const string LoginPath = "/account/login";
    public const string SessionClaim = "dinh:session";
    public const string KindClaim = "dinh:account-kind";
    public const string LevelClaim = "acr";
    public const string MethodsClaim = "amr";
    public const string AuthTimeClaim = "auth_time";
    public const string AdministratorRole = "administrator";

    public static Guid? AccountId(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static Guid? SessionId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(SessionClaim), out var id) ? id : null;

    public static DateTimeOffset? AuthenticatedAt(ClaimsPrincipal? user) =>
        long.TryParse(user?.FindFirstValue(AuthTimeClaim), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    internal static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = ".Dinh.Account";
        options.Cookie.HttpOnly = true;
        // Lax, not Strict: the OpenID provider's authorization request arrives by a top-level navigation from another site.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = LoginPath;
        options.LogoutPath = "/account/logout";
        options.AccessDeniedPath = "/account/denied";
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.Events = new CookieAuthenticationEvents
        {
            // An API caller gets 401/403, a browser the sign-in page.
            OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized),
            OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden),
            OnValidatePrincipal = ValidateSessionAsync,
        };
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = SessionId(context.Principal);
        var accountId = AccountId(context.Principal);
        if (sessionId is null || accountId is null)
        {
            context.RejectPrincipal();
            return;
        }
        var recent = context.HttpContext.RequestServices.GetRequiredService<RecentSessionChecks>();
        if (recent.IsFresh(sessionId.Value))
        {
            return;
        }
        var db = context.HttpContext.RequestServices.GetRequiredService<AccountsDbContext>();
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var state = await db.Sessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.AccountId == accountId)
            .Select(s => new { s.RevokedAt, s.LastSeenAt, Locked = db.Accounts.Where(a => a.Id == s.AccountId).Select(a => a.Lock).FirstOrDefault() })
            .FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (state is null || state.RevokedAt is not null || state.Locked != AccountLock.None)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsyncSafe();
            return;
        }
        var now = clock.GetUtcNow();
        if (now - state.LastSeenAt > TimeSpan.FromMinutes(5))
        {
            await db.Sessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), context.HttpContext.RequestAborted);
        }
        recent.Remember(sessionId.Value);
    }

    private static Task SignOutAsyncSafe(this HttpContext http) =>
        Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(http, Scheme);
}
