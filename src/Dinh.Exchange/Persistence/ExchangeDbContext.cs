using Dinh.Exchange.Access;
using Dinh.Exchange.Events;
using Dinh.Exchange.Members;
using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Persistence;

/// <summary>The exchange's tables; audit records are mapped here so an access and its record commit together.</summary>
public sealed class ExchangeDbContext(DbContextOptions<ExchangeDbContext> options) : DinhDbContext(options)
{
    public DbSet<Member> Members => Set<Member>();
    public DbSet<Grant> Grants => Set<Grant>();
    public DbSet<Consent> Consents => Set<Consent>();
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<FanOutCursor> FanOutCursors => Set<FanOutCursor>();
    public DbSet<Records.SectorRecord> SectorRecords => Set<Records.SectorRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapAuditTrail();
        modelBuilder.MapOutbox();

        modelBuilder.Entity<Member>(member =>
        {
            member.ToTable("exchange_members");
            member.Property(m => m.Identifier).HasMaxLength(170);
            member.HasIndex(m => m.Identifier).IsUnique();
            member.Property(m => m.ClientId).HasMaxLength(100);
            member.HasIndex(m => m.ClientId).IsUnique();
            member.Property(m => m.Name).HasMaxLength(200);
        });
        modelBuilder.Entity<Grant>(grant =>
        {
            grant.ToTable("exchange_grants");
            grant.HasIndex(g => g.MemberId);
            grant.Property(g => g.Dataset).HasMaxLength(40);
            grant.Property(g => g.Fields).HasMaxLength(1000);
            grant.Property(g => g.Purposes).HasMaxLength(1000);
            grant.Property(g => g.LegalBasis).HasMaxLength(300);
            grant.Ignore(g => g.FieldList);
            grant.Ignore(g => g.PurposeList);
        });
        modelBuilder.Entity<Consent>(consent =>
        {
            consent.ToTable("exchange_consents");
            consent.HasIndex(c => new { c.CitizenId, c.MemberId, c.Purpose });
            consent.Property(c => c.Purpose).HasMaxLength(100);
        });
        AccessLogEntry.Map(modelBuilder, ownsTable: true);
        modelBuilder.Entity<Subscription>(subscription =>
        {
            subscription.ToTable("exchange_subscriptions");
            subscription.HasIndex(s => s.MemberId);
            subscription.Property(s => s.Url).HasMaxLength(2000);
            subscription.Property(s => s.Secret).HasMaxLength(100);
        });
        modelBuilder.Entity<Delivery>(delivery =>
        {
            delivery.ToTable("exchange_deliveries");
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => new { d.SubscriptionId, d.EventId }).IsUnique();
            delivery.Property(d => d.Kind).HasMaxLength(20);
            delivery.Property(d => d.LastError).HasMaxLength(500);
        });
        modelBuilder.Entity<Records.SectorRecord>(record =>
        {
            record.ToTable("exchange_sector_records");
            record.HasIndex(r => new { r.RecordType, r.RecordNumber }).IsUnique();
            record.HasIndex(r => new { r.CitizenId, r.RecordType });
            record.Property(r => r.RecordType).HasMaxLength(40);
            record.Property(r => r.RecordNumber).HasMaxLength(60);
            record.Property(r => r.Attributes).HasMaxLength(8000);
            record.Property(r => r.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<FanOutCursor>(cursor =>
        {
            cursor.ToTable("exchange_fanout_cursor");
            cursor.Property(c => c.Id).ValueGeneratedNever();
        });
    }
}
