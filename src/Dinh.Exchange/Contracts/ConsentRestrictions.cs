using System.Data.Common;
using System.Text.Json;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Contracts;

/// <summary>A consent the restriction withdrew: the member and the purpose it had been given for.</summary>
public sealed record WithdrawnConsent(string Member, string Purpose);

/// <summary>What restricting a citizen's data did: the consents withdrawn, and the members whose sharing the law itself requires.</summary>
public sealed record RestrictionOutcome(IReadOnlyList<WithdrawnConsent> Withdrawn, IReadOnlyList<string> ContinuingUnderLaw);

/// <summary>
/// Carries out a data subject's request to restrict the processing of their data (Law 91/2025/QH15), once an officer
/// has approved it. Of what the exchange shares, only what rests on the citizen's consent can stop: every consent in
/// force is withdrawn, in the caller's transaction, each audited with the officer as actor and the request as legal
/// basis, exactly as if the citizen had withdrawn it on the "who used my data" page. Grants without consent (a
/// statutory duty: social insurance, tax, police) go on, as the law allows processing without consent for them; they
/// are returned so that the answer names them. The citizen may give a consent again later: that is a new, explicit act.
/// </summary>
public sealed class ConsentRestrictions(DbContextOptions<ExchangeDbContext> options, TimeProvider clock)
{
    public async Task<RestrictionOutcome> RestrictAsync(DbTransaction transaction, Guid citizenId, string actor, string legalBasis, string? requestId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var db = new ExchangeDbContext(options);
        db.Database.SetDbConnection(transaction.Connection, contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);

        var members = await db.Members.AsNoTracking().Select(m => new { m.Id, m.Name, m.Status }).ToDictionaryAsync(m => m.Id, cancellationToken);
        var consents = await db.Consents.Where(c => c.CitizenId == citizenId && c.WithdrawnAt == null).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var withdrawn = new List<WithdrawnConsent>();
        foreach (var consent in consents.OrderBy(c => c.GivenAt))
        {
            consent.WithdrawnAt = now;
            var member = members.GetValueOrDefault(consent.MemberId);
            withdrawn.Add(new WithdrawnConsent(member?.Name ?? consent.MemberId.ToString(), consent.Purpose));
            db.Audit(new AuditEvent(actor, "exchange.consent.withdrawn", consent.Purpose)
            {
                Subject = $"citizen:{citizenId}",
                LegalBasis = legalBasis,
                RequestId = requestId,
                Details = JsonSerializer.Serialize(new { memberId = consent.MemberId, reason = "restriction of processing requested by the data subject" }),
            });
        }
        await db.SaveChangesAsync(cancellationToken);

        var statutory = await db.Grants.AsNoTracking().Where(g => !g.ConsentRequired && g.RevokedAt == null && g.Dataset != Datasets.RecordsWrite)
            .Select(g => g.MemberId).Distinct().ToListAsync(cancellationToken);
        var continuing = statutory.Select(id => members.GetValueOrDefault(id)).Where(m => m is { Status: MemberStatus.Active })
            .Select(m => m!.Name).Order(StringComparer.Ordinal).ToList();
        return new RestrictionOutcome(withdrawn, continuing);
    }
}
