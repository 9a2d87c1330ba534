using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Access;

/// <summary>
/// A citizen's consents to members, given and withdrawn by the citizen on the "who used my data" page. Consent can
/// be given only where a grant asks for it (member, purpose); each change is audited with the citizen as actor.
/// </summary>
internal sealed class CitizenConsents(ExchangeDbContext db, TimeProvider clock)
{
    private const string LegalBasis = "Law 91/2025/QH15 on personal data protection (consent)";

    public sealed record ConsentOption(Guid MemberId, string MemberName, string MemberIdentifier, string Purpose, string Fields, DateTimeOffset? GivenAt);

    /// <summary>Every (member, purpose) a grant would use with consent, and whether the citizen's consent is in force.</summary>
    public async Task<IReadOnlyList<ConsentOption>> OptionsAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        var grants = await (from g in db.Grants.AsNoTracking()
                            join m in db.Members.AsNoTracking() on g.MemberId equals m.Id
                            where g.ConsentRequired && g.RevokedAt == null && m.Status == MemberStatus.Active
                            select new { g, m.Name, m.Identifier }).ToListAsync(cancellationToken);
        var consents = await db.Consents.AsNoTracking().Where(c => c.CitizenId == citizenId && c.WithdrawnAt == null).ToListAsync(cancellationToken);
        return grants.SelectMany(x => x.g.PurposeList.Select(p => (x.g, x.Name, x.Identifier, Purpose: p)))
            .GroupBy(x => (x.g.MemberId, x.Purpose))
            .Select(group => new ConsentOption(group.Key.MemberId, group.First().Name, group.First().Identifier, group.Key.Purpose,
                string.Join(' ', group.SelectMany(x => x.g.FieldList).Distinct()),
                consents.FirstOrDefault(c => c.MemberId == group.Key.MemberId && c.Purpose == group.Key.Purpose)?.GivenAt))
            .OrderBy(o => o.MemberName, StringComparer.Ordinal).ThenBy(o => o.Purpose, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>False when no grant asks for this consent; true when it is (now or already) in force.</summary>
    public async Task<bool> GiveAsync(Guid citizenId, Guid memberId, string purpose, CancellationToken cancellationToken)
    {
        if (!(await OptionsAsync(citizenId, cancellationToken)).Any(o => o.MemberId == memberId && o.Purpose == purpose))
        {
            return false;
        }
        if (await db.Consents.AnyAsync(c => c.CitizenId == citizenId && c.MemberId == memberId && c.Purpose == purpose && c.WithdrawnAt == null, cancellationToken))
        {
            return true;
        }
        var now = clock.GetUtcNow();
        db.Consents.Add(new Consent { Id = Guid.CreateVersion7(now), CitizenId = citizenId, MemberId = memberId, Purpose = purpose, GivenAt = now });
        Audit(citizenId, "exchange.consent.given", memberId, purpose);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Withdraws the consent in force; false when there is none.</summary>
    public async Task<bool> WithdrawAsync(Guid citizenId, Guid memberId, string purpose, CancellationToken cancellationToken)
    {
        var consents = await db.Consents.Where(c => c.CitizenId == citizenId && c.MemberId == memberId && c.Purpose == purpose && c.WithdrawnAt == null)
            .ToListAsync(cancellationToken);
        if (consents.Count == 0)
        {
            return false;
        }
        foreach (var consent in consents)
        {
            consent.WithdrawnAt = clock.GetUtcNow();
        }
        Audit(citizenId, "exchange.consent.withdrawn", memberId, purpose);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private void Audit(Guid citizenId, string action, Guid memberId, string purpose) =>
        db.Audit(new AuditEvent($"citizen:{citizenId}", action, purpose)
        {
            Subject = $"citizen:{citizenId}",
            LegalBasis = LegalBasis,
            Details = System.Text.Json.JsonSerializer.Serialize(new { memberId }),
        });
}
