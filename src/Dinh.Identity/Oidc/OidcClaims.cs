using System.Globalization;
using System.Security.Claims;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Oidc;

/// <summary>
/// Builds what a client receives. Tokens carry the pairwise subject, acr, amr and auth_time only; the claims of the
/// granted scopes are read from the registry at the userinfo endpoint, so a client always sees current data and
/// only what the citizen consented to. The authorization entry (subject = the account id) links tokens to the
/// account without putting the account id in any token.
/// </summary>
public sealed class OidcClaims(AccountsDbContext db, CitizenDirectory citizens, ProviderKeyRing keys, IOpenIddictAuthorizationManager authorizations)
{
    public ClaimsPrincipal Principal(Account account, ClaimsPrincipal cookie, ClientSettings client, IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(client);
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, ScopeCatalog.PairwiseSubject(keys.PairwiseSecret(), client.Sector, account.Id));
        identity.SetClaim(Claims.AuthenticationContextReference, account.Acr);
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. cookie.FindAll(AccountCookie.MethodsClaim).Select(c => c.Value)]);
        if (AccountCookie.AuthenticatedAt(cookie) is { } at)
        {
            identity.AddClaim(new Claim(Claims.AuthenticationTime, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.AuthenticationContextReference or Claims.AuthenticationMethodReference or Claims.AuthenticationTime =>
                [Destinations.IdentityToken, Destinations.AccessToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The account behind a token, through its authorization entry; null when it can no longer sign in.</summary>
    public async Task<Account?> AccountAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.GetAuthorizationId() is not { } authorizationId
            || await authorizations.FindByIdAsync(authorizationId, cancellationToken) is not { } authorization
            || !await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
            || !Guid.TryParse(await authorizations.GetSubjectAsync(authorization, cancellationToken), out var accountId))
        {
            return null;
        }
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null || account.Lock != AccountLock.None)
        {
            return null;
        }
        if (account.CitizenId is { } citizenId && await citizens.FindAsync(citizenId, cancellationToken) is { Deceased: true })
        {
            return null;
        }
        return account;
    }

    /// <summary>At the token endpoint: the same principal again, with the account's current level.</summary>
    public async Task<ClaimsPrincipal?> RefreshAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (await AccountAsync(principal, cancellationToken) is null)
        {
            return null;
        }
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.AuthenticationContextReference or Claims.AuthenticationMethodReference or Claims.AuthenticationTime =>
                [Destinations.IdentityToken, Destinations.AccessToken],
            _ => [Destinations.AccessToken],
        });
        return principal;
    }

    public async Task<Dictionary<string, object>?> UserInfoAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (await AccountAsync(principal, cancellationToken) is not { } account)
        {
            return null;
        }
        var info = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = principal.GetClaim(Claims.Subject)! };
        var citizen = account.CitizenId is { } id ? await citizens.FindAsync(id, cancellationToken) : null;
        if (principal.HasScope(OpenIddictConstants.Scopes.Profile))
        {
            info[Claims.Name] = citizen?.FullName ?? account.DisplayName ?? "";
            if (citizen is not null)
            {
                info[Claims.Gender] = citizen.Sex == Sex.Female ? "female" : "male";
            }
        }
        if (principal.HasScope(ScopeCatalog.Birthdate) && citizen is not null)
        {
            var date = citizen.DateOfBirth;
            info[Claims.Birthdate] = date.IsComplete
                ? date.AsDate!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : date.Year.ToString("0000", CultureInfo.InvariantCulture) + "-00-00";
        }
        if (principal.HasScope(ScopeCatalog.PersonalId) && citizen is not null)
        {
            info[ScopeCatalog.PersonalId] = citizen.PersonalIdNumber;
        }
        if (principal.HasScope(OpenIddictConstants.Scopes.Phone) && account.PhoneNumber is { } phone)
        {
            info[Claims.PhoneNumber] = phone;
            info[Claims.PhoneNumberVerified] = account.PhoneNumberConfirmed;
        }
        if (principal.HasScope(OpenIddictConstants.Scopes.Email) && account.Email is { } email)
        {
            info[Claims.Email] = email;
            info[Claims.EmailVerified] = account.EmailConfirmed;
        }
        info[Claims.AuthenticationContextReference] = account.Acr;
        return info;
    }
}

/// <summary>Ending the browser session of the current request (logout, end session).</summary>
public static class AccountSessions
{
    public static async Task EndCurrentAsync(Microsoft.AspNetCore.Http.HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(http, AccountCookie.Scheme);
        if (AccountCookie.SessionId(result.Principal) is { } sessionId)
        {
            var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<AccountsDbContext>(http.RequestServices);
            var clock = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<TimeProvider>(http.RequestServices);
            var now = clock.GetUtcNow();
            await db.Sessions.Where(s => s.Id == sessionId && s.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now));
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<RecentSessionChecks>(http.RequestServices).Forget(sessionId);
        }
        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(http, AccountCookie.Scheme);
    }
}
