using System.Globalization;
using System.Threading.RateLimiting;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Identity.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dinh.Exchange.Access;

/// <summary>An authenticated member request: who (the member system), why (purpose code) and for which case.</summary>
internal sealed record Caller(Member Member, string Purpose, string CaseReference);

/// <summary>
/// The front door of every exchange API call, in this order: a Dinh access token with the exchange scope (checked
/// locally: signature, lifetime, issuer), the member behind its client id, the member's rate limit, then the
/// purpose and case reference headers. The grant check is the endpoint's, since it depends on the dataset.
/// </summary>
internal sealed class ExchangeCallers(ExchangeDbContext db, MemberRateLimiter limiter, MemberDirectory directory)
{
    public const string PurposeHeader = "Dinh-Purpose";
    public const string CaseHeader = "Dinh-Case-Reference";

    /// <summary>Members and grants as this instance keeps them (<see cref="MemberDirectory"/>).</summary>
    public MemberDirectory Directory => directory;

    public async Task<(Caller? Caller, ProblemHttpResult? Problem)> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (await SystemClients.AuthenticateAsync(http, SystemClients.ExchangeScope) is not { } clientId)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return (null, ExchangeErrors.Problem(ExchangeErrors.TokenRequired));
        }
        var member = await directory.MemberAsync(db, clientId, cancellationToken);
        if (member is not { Status: MemberStatus.Active })
        {
            return (null, ExchangeErrors.Problem(ExchangeErrors.NotAMember));
        }
        if (limiter.Refuse(member) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return (null, ExchangeErrors.Problem(ExchangeErrors.RateLimited));
        }
        var purpose = http.Request.Headers[PurposeHeader].ToString().Trim();
        var caseReference = http.Request.Headers[CaseHeader].ToString().Trim();
        if (!IsCode(purpose) || caseReference.Length is 0 or > 100 || caseReference.Any(char.IsControl))
        {
            var errors = new Dictionary<string, string[]>();
            if (!IsCode(purpose))
            {
                errors[PurposeHeader] = [purpose.Length == 0 ? "required" : "format"];
            }
            if (caseReference.Length is 0 or > 100 || caseReference.Any(char.IsControl))
            {
                errors[CaseHeader] = [caseReference.Length == 0 ? "required" : "format"];
            }
            return (null, ExchangeErrors.Problem(ExchangeErrors.PurposeRequired, new Dictionary<string, object?> { ["errors"] = errors }));
        }
        return (new Caller(member, purpose, caseReference), null);
    }

    /// <summary>A purpose code: lower-case letters, digits and '-', 1–100 characters.</summary>
    public static bool IsCode(string? text) =>
        text is { Length: > 0 and <= 100 } && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}

/// <summary>
/// Per-member token buckets (System.Threading.RateLimiting, as ASP.NET Core's rate limiter uses): each member has
/// its own rate, so one member's burst never slows another. Buckets are per instance.
/// </summary>
internal sealed class MemberRateLimiter(IOptions<ExchangeOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Member> _limiter = PartitionedRateLimiter.Create<Member, string>(member =>
    {
        var rate = member.RateLimitPerSecond ?? options.Value.RequestsPerSecond;
        var burst = Math.Max(rate, member.RateLimitPerSecond is null ? options.Value.Burst : rate * 2);
        // The rate is part of the key: changing a member's rate starts a new bucket.
        return RateLimitPartition.GetTokenBucketLimiter($"{member.Id:N}:{rate}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    });

    /// <summary>Null when the request may go on; otherwise how long to wait.</summary>
    public TimeSpan? Refuse(Member member)
    {
        using var lease = _limiter.AttemptAcquire(member);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) && retry > TimeSpan.Zero ? retry : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
