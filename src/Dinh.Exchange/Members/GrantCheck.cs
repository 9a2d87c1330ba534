using Dinh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Members;

/// <summary>What a member may do with one dataset for one purpose, for one citizen: the fields it may use, and why not when none.</summary>
internal sealed record Entitlement(IReadOnlySet<string> Fields, string LegalBasis, bool NeedsConsent)
{
    public bool Any => Fields.Count > 0;
}

internal static class GrantCheck
{
    /// <summary>
    /// The union of the member's active grants for the dataset and purpose. Grants that need consent count only
    /// while the citizen's consent to this member for this purpose is in force; <see cref="Entitlement.NeedsConsent"/>
    /// says a consent would have granted more.
    /// </summary>
    public static Task<Entitlement> ForAsync(ExchangeDbContext db, Guid memberId, string dataset, string purpose, Guid? citizenId,
        CancellationToken cancellationToken) => ForAsync(db, null, memberId, dataset, purpose, citizenId, cancellationToken);

    /// <summary>The same, with the grants as <paramref name="directory"/> keeps them (a few seconds; consents always read afresh).</summary>
    public static async Task<Entitlement> ForAsync(ExchangeDbContext db, MemberDirectory? directory, Guid memberId, string dataset, string purpose,
        Guid? citizenId, CancellationToken cancellationToken)
    {
        var active = directory is not null
            ? await directory.GrantsAsync(db, memberId, dataset, cancellationToken)
            : await db.Grants.AsNoTracking().Where(g => g.MemberId == memberId && g.Dataset == dataset && g.RevokedAt == null).ToListAsync(cancellationToken);
        var grants = active.Where(g => g.PurposeList.Contains(purpose)).ToList();
        var consented = false;
        if (citizenId is { } citizen && grants.Any(g => g.ConsentRequired))
        {
            consented = await db.Consents.AsNoTracking().AnyAsync(c => c.CitizenId == citizen && c.MemberId == memberId && c.Purpose == purpose
                && c.WithdrawnAt == null, cancellationToken);
        }
        var usable = grants.Where(g => !g.ConsentRequired || consented).ToList();
        return new Entitlement(usable.SelectMany(g => g.FieldList).ToHashSet(StringComparer.Ordinal),
            string.Join("; ", usable.Select(g => g.LegalBasis).Distinct()), grants.Count > usable.Count);
    }
}
