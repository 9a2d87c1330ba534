using Microsoft.EntityFrameworkCore;

namespace Dinh.Platform.Auditing;

public static class AuditModel
{
    /// <summary>
    /// Maps the audit trail into a module's context so that its audit rows are saved in the same transaction as
    /// the change they record. Only the Platform context owns the tables in migrations.
    /// </summary>
    public static ModelBuilder MapAuditTrail(this ModelBuilder model, bool ownsTables = false)
    {
        model.Entity<AuditRecord>(record =>
        {
            record.ToTable("audit_records", t => { if (!ownsTables) { t.ExcludeFromMigrations(); } });
            // The chain and sequence are the key: a record's place in its chain is unique (an append sealed on a head
            // that moved collides here, ADR 0021), and it is the only order anything reads the table in (`dinh audit
            // verify`). Every index is written by every audited read, so there is no other (ADR 0023): the id is unique
            // by construction (UUID v7) and covered by the hash, and no query looks records up by it or by subject
            // (the citizen's page reads the exchange's access log).
            record.HasKey(r => new { r.ChainId, r.Sequence });
            record.Property(r => r.ChainId).ValueGeneratedNever();
            record.Property(r => r.Sequence).ValueGeneratedNever();
            record.Property(r => r.Id).ValueGeneratedNever();
            record.Property(r => r.Actor).HasMaxLength(200);
            record.Property(r => r.Action).HasMaxLength(200);
            record.Property(r => r.Subject).HasMaxLength(200);
            record.Property(r => r.Purpose).HasMaxLength(500);
            record.Property(r => r.LegalBasis).HasMaxLength(500);
            record.Property(r => r.RequestId).HasMaxLength(100);
            record.Property(r => r.PreviousHash).HasMaxLength(AuditTrail.HashSize);
            record.Property(r => r.Hash).HasMaxLength(AuditTrail.HashSize);
        });
        model.Entity<AuditChainHead>(head =>
        {
            head.ToTable("audit_chain_heads", t => { if (!ownsTables) { t.ExcludeFromMigrations(); } });
            head.HasKey(h => h.ChainId);
            head.Property(h => h.ChainId).ValueGeneratedNever();
            head.Property(h => h.LastHash).HasMaxLength(AuditTrail.HashSize);
        });
        return model;
    }
}
