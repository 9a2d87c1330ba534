using Dinh.Exchange.Access;
using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// Hosted registries' tables, in a context of their own (own migrations) beside the exchange's. Audit records are
/// mapped here so a record change and its audit record commit together.
/// </summary>
public sealed class HostedRegistriesDbContext(DbContextOptions<HostedRegistriesDbContext> options)
    : DinhDbContext(options)
{
    public DbSet<HostedRegistry> Registries => Set<HostedRegistry>();
    public DbSet<HostedRecord> Records => Set<HostedRecord>();
    public DbSet<RegistryGrant> Grants => Set<RegistryGrant>();

    /// <summary>The exchange's access log (its migrations are the exchange's): a record change is shown to its citizen in the change's transaction.</summary>
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapAuditTrail();
        AccessLogEntry.Map(modelBuilder, ownsTable: false);

        modelBuilder.Entity<HostedRegistry>(registry =>
        {
            registry.ToTable("hosted_registries");
            registry.Property(r => r.Code).HasMaxLength(40);
            registry.Property(r => r.Version).HasMaxLength(20);
            registry.HasIndex(r => new { r.Code, r.Version }).IsUnique();
            registry.Property(r => r.Name).HasMaxLength(200);
            registry.Property(r => r.GroupName).HasMaxLength(200);
            registry.Property(r => r.Description).HasMaxLength(2000);
            registry.Property(r => r.Institution).HasMaxLength(200);
            registry.Property(r => r.LegalBasis).HasMaxLength(300);
            registry.Property(r => r.Schema).HasMaxLength(200_000);
            registry.Property(r => r.ModifiedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<HostedRecord>(record =>
        {
            record.ToTable("hosted_registry_records");
            record.HasIndex(r => new { r.RegistryId, r.RecordKey }).IsUnique();
            record.HasIndex(r => new { r.RegistryId, r.SubjectPersonalIdNumber });
            record.Property(r => r.RecordKey).HasMaxLength(200);
            record.Property(r => r.SubjectPersonalIdNumber).HasMaxLength(12);
            record.Property(r => r.Content).HasMaxLength(100_000);
            record.Property(r => r.Version).IsConcurrencyToken();
            record.HasOne<HostedRegistry>().WithMany().HasForeignKey(r => r.RegistryId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RegistryGrant>(grant =>
        {
            grant.ToTable("hosted_registry_grants");
            grant.HasIndex(g => new { g.RegistryCode, g.MemberId });
            grant.Property(g => g.RegistryCode).HasMaxLength(40);
            grant.Property(g => g.Operations).HasMaxLength(100);
            grant.Property(g => g.Purposes).HasMaxLength(1000);
            grant.Property(g => g.LegalBasis).HasMaxLength(300);
            grant.Ignore(g => g.OperationList);
            grant.Ignore(g => g.PurposeList);
        });
    }
}
