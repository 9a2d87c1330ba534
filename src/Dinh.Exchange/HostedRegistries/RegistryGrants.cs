using System.Text.Json;
using Dinh.Exchange.Access;
using Dinh.Exchange.Persistence;
using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>Granting members operations on a registry code (before or after the registry exists); audited.</summary>
internal sealed class RegistryGrants(HostedRegistriesDbContext db, ExchangeDbContext exchange, TimeProvider clock)
{
    /// <summary>The new grant's id, or an error key naming what is wrong.</summary>
    public async Task<(string? Error, Guid Id)> AddAsync(string code, string member, IReadOnlyCollection<string> operations, IReadOnlyCollection<string> purposes,
        string legalBasis, string actor, CancellationToken cancellationToken)
    {
        if (!RegistryDefinitions.IsCode(code))
        {
            return ("code", Guid.Empty);
        }
        var memberId = await exchange.Members.AsNoTracking().Where(m => m.Identifier == member).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(cancellationToken);
        if (memberId is null)
        {
            return ("member", Guid.Empty);
        }
        if (operations.Count == 0 || operations.Any(o => !RegistryOperations.All.Contains(o)))
        {
            return ("operation", Guid.Empty);
        }
        if (purposes.Count == 0 || purposes.Any(p => !ExchangeCallers.IsCode(p)))
        {
            return ("purpose", Guid.Empty);
        }
        if (legalBasis.Trim().Length is 0 or > 300)
        {
            return ("legal-basis", Guid.Empty);
        }
        var grant = new RegistryGrant
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), RegistryCode = code, MemberId = memberId.Value, Operations = string.Join(' ', operations.Distinct()),
            Purposes = string.Join(' ', purposes.Distinct()), LegalBasis = legalBasis.Trim(), CreatedAt = clock.GetUtcNow(),
        };
        db.Grants.Add(grant);
        db.Audit(new AuditEvent(actor, "registry.grant.added", "registry-administration")
        {
            Subject = $"member:{member}",
            LegalBasis = grant.LegalBasis,
            Details = JsonSerializer.Serialize(new { registry = code, operations = grant.Operations, purposes = grant.Purposes }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return (null, grant.Id);
    }

    public async Task<bool> RevokeAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var grant = await db.Grants.FirstOrDefaultAsync(g => g.Id == id && g.RevokedAt == null, cancellationToken);
        if (grant is null)
        {
            return false;
        }
        grant.RevokedAt = clock.GetUtcNow();
        db.Audit(new AuditEvent(actor, "registry.grant.revoked", "registry-administration")
        {
            Subject = $"registry-grant:{id}",
            LegalBasis = grant.LegalBasis,
            Details = JsonSerializer.Serialize(new { registry = grant.RegistryCode, operations = grant.Operations }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
