using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Platform.Persistence;

/// <summary>The platform's own tables: the audit trail, the outbox and the data-protection key ring shared by all instances.</summary>
public sealed class PlatformDbContext(DbContextOptions<PlatformDbContext> options)
    : DinhDbContext(options), IDataProtectionKeyContext
{
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapAuditTrail(ownsTables: true);
        modelBuilder.MapOutbox(ownsTables: true);
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}
