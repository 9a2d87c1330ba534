using System.Globalization;
using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// The front door of the GovStack API: the exchange's own (token, member, rate, purpose and case headers), except
/// that a trusted information-mediator gateway may vouch for the member instead of a token.
/// </summary>
internal sealed class RegistryCallers(ExchangeCallers callers, ExchangeDbContext exchange, MemberRateLimiter limiter,
    IOptions<InformationMediatorOptions> mediator)
{
    public async Task<(Caller? Caller, ProblemHttpResult? Problem)> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (mediator.Value.TrustedClient(http) is not { } identifier)
        {
            return await callers.AuthenticateAsync(http, cancellationToken);
        }
        var member = await exchange.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Identifier == identifier, cancellationToken);
        if (member is not { Status: MemberStatus.Active })
        {
            return (null, ExchangeErrors.Problem(ExchangeErrors.NotAMember));
        }
        if (limiter.Refuse(member) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return (null, ExchangeErrors.Problem(ExchangeErrors.RateLimited));
        }
        // The gateway vouches for who calls, not why: purpose and case reference are required as on every exchange call.
        var purpose = http.Request.Headers[ExchangeCallers.PurposeHeader].ToString().Trim();
        var caseReference = http.Request.Headers[ExchangeCallers.CaseHeader].ToString().Trim();
        var errors = new Dictionary<string, string[]>();
        if (!ExchangeCallers.IsCode(purpose))
        {
            errors[ExchangeCallers.PurposeHeader] = [purpose.Length == 0 ? "required" : "format"];
        }
        if (caseReference.Length is 0 or > 100 || caseReference.Any(char.IsControl))
        {
            errors[ExchangeCallers.CaseHeader] = [caseReference.Length == 0 ? "required" : "format"];
        }
        return errors.Count > 0
            ? (null, ExchangeErrors.Problem(ExchangeErrors.PurposeRequired, new Dictionary<string, object?> { ["errors"] = errors }))
            : (new Caller(member, purpose, caseReference), null);
    }
}

/// <summary>What a caller may do with one registry: the owner everything, others what an active grant names for the purpose.</summary>
internal static class RegistryAccess
{
    /// <summary>The legal basis that allows the operation, or null when nothing does.</summary>
    public static async Task<string?> AllowsAsync(HostedRegistriesDbContext db, string code, HostedRegistry? registry, Caller caller, string operation,
        CancellationToken cancellationToken)
    {
        if (registry is not null && registry.OwnerMemberId == caller.Member.Id)
        {
            return registry.LegalBasis;
        }
        var grants = await db.Grants.AsNoTracking()
            .Where(g => g.RegistryCode == code && g.MemberId == caller.Member.Id && g.RevokedAt == null).ToListAsync(cancellationToken);
        var usable = grants.Where(g => g.OperationList.Contains(operation) && g.PurposeList.Contains(caller.Purpose)).ToList();
        return usable.Count == 0 ? null : string.Join("; ", usable.Select(g => g.LegalBasis).Distinct());
    }
}
