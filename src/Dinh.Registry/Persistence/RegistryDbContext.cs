using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Dinh.Platform.Persistence;
using Dinh.Registry.Changes;
using Dinh.Registry.Citizens;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Import;
using Dinh.Registry.Officers;
using Dinh.Registry.Quality;
using Dinh.Registry.Units;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Persistence;

/// <summary>
/// The registry's tables. Audit records and the outbox are mapped here too, so they commit with the change they
/// record or announce.
/// </summary>
public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options)
    : DinhDbContext(options)
{
    public DbSet<AdministrativeUnit> Units => Set<AdministrativeUnit>();
    public DbSet<UnitMapping> UnitMappings => Set<UnitMapping>();
    public DbSet<AddressRemapWorkItem> RemapWorklist => Set<AddressRemapWorkItem>();
    public DbSet<Citizen> Citizens => Set<Citizen>();
    public DbSet<CitizenIdNumber> IdNumbers => Set<CitizenIdNumber>();
    public DbSet<CitizenChange> Changes => Set<CitizenChange>();
    public DbSet<Household> Households => Set<Household>();
    public DbSet<HouseholdMember> HouseholdMembers => Set<HouseholdMember>();
    public DbSet<Residence> Residences => Set<Residence>();
    public DbSet<CivilStatusEvent> Events => Set<CivilStatusEvent>();
    internal DbSet<Guardians.Guardianship> Guardianships => Set<Guardians.Guardianship>();
    public DbSet<Officer> Officers => Set<Officer>();
    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();
    public DbSet<DataQualityFinding> Findings => Set<DataQualityFinding>();
    public DbSet<QualityCount> QualityCounts => Set<QualityCount>();
    public DbSet<RegistryChange> RegistryChanges => Set<RegistryChange>();
    public DbSet<RegistryChangeHead> RegistryChangeHeads => Set<RegistryChangeHead>();

    /// <summary>The rows the last capture added, so that a retried save derives them again instead of publishing twice.</summary>
    internal List<RegistryChange> CapturedChanges { get; } = [];

    // Every save publishes the births, deaths, residences and names it changes (RegistryChangeCapture), in its own transaction.
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RegistryChangeCapture.Capture(this, AuditTrail.Clock.GetUtcNow());
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RegistryChangeCapture.Capture(this, AuditTrail.Clock.GetUtcNow());
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    // Contexts are pooled: a leased context must not carry the last lease's captured rows.
    public override void Dispose()
    {
        CapturedChanges.Clear();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        CapturedChanges.Clear();
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapAuditTrail();
        modelBuilder.MapOutbox();

        modelBuilder.Entity<AdministrativeUnit>(unit =>
        {
            unit.ToTable("admin_units");
            unit.HasIndex(u => new { u.Code, u.Level, u.ValidFrom }).IsUnique();
            unit.HasIndex(u => new { u.ParentCode, u.ValidFrom });
            unit.HasIndex(u => u.SearchKey);
            unit.Property(u => u.Code).HasMaxLength(5);
            unit.Property(u => u.Name).HasMaxLength(120);
            unit.Property(u => u.Type).HasMaxLength(40);
            unit.Property(u => u.ParentCode).HasMaxLength(5);
            unit.Property(u => u.SearchKey).HasMaxLength(120);
        });
        modelBuilder.Entity<UnitMapping>(mapping =>
        {
            mapping.ToTable("admin_unit_mappings");
            mapping.HasIndex(m => m.OldCode);
            mapping.HasIndex(m => m.NewCode);
        });
        modelBuilder.MapUnitTables();
        modelBuilder.MapQualityTables();
        Dinh.Registry.Guardians.GuardianshipTables.MapGuardianships(modelBuilder);

        modelBuilder.Entity<Citizen>(citizen =>
        {
            citizen.ToTable("citizens");
            citizen.Ignore(c => c.DateOfBirth);
            citizen.Property(c => c.Version).IsConcurrencyToken();
            citizen.Property(c => c.PersonalIdNumber).HasMaxLength(12);
            citizen.HasIndex(c => c.PersonalIdNumber).IsUnique();
            citizen.Property(c => c.FullName).HasMaxLength(100);
            citizen.Property(c => c.NameKeyTone).HasMaxLength(120);
            citizen.Property(c => c.NameKeyAscii).HasMaxLength(100);
            // Name + date-of-birth search: blocking by surname is useless (Nguyễn is 38%), so the key leads with the
            // whole normalised name and the birth year; month and day follow so that a search by a full date of birth
            // is answered from the index and reads only the matching rows (ADR 0013).
            citizen.HasIndex(c => new { c.NameKeyAscii, c.BirthYear, c.BirthMonth, c.BirthDay });
            citizen.HasIndex(c => new { c.NameKeyTone, c.BirthYear, c.BirthRegistrationProvince });
            citizen.Property(c => c.BirthRegistrationProvince).HasMaxLength(3);
            citizen.Property(c => c.EthnicityCode).HasMaxLength(2);
            citizen.Property(c => c.Nationality).HasMaxLength(2);
            citizen.Property(c => c.IdCardNumber).HasMaxLength(12);
            // Partial: most records (every imported one) have no parent links and none is merged; indexing the nulls
            // only slowed every insert (ADR 0013). A lookup by a parent's id (= @id) still uses these indexes.
            citizen.HasIndex(c => c.FatherId).HasFilter("father_id IS NOT NULL");
            citizen.HasIndex(c => c.MotherId).HasFilter("mother_id IS NOT NULL");
            citizen.HasIndex(c => c.MergedIntoId).HasFilter("merged_into_id IS NOT NULL");
        });
        modelBuilder.Entity<CitizenIdNumber>(number =>
        {
            number.ToTable("citizen_id_numbers");
            number.Property(n => n.Number).HasMaxLength(12);
            // A number is never given to anyone else, even after it is cancelled.
            number.HasIndex(n => n.Number).IsUnique();
            number.HasIndex(n => n.CitizenId);
        });
        modelBuilder.Entity<CitizenChange>(change =>
        {
            change.ToTable("citizen_changes");
            change.HasIndex(c => new { c.CitizenId, c.Version }).IsUnique();
        });

        modelBuilder.Entity<Household>(household =>
        {
            household.ToTable("households");
            household.Property(h => h.Version).IsConcurrencyToken();
            household.HasIndex(h => h.HeadId);
            household.HasIndex(h => h.UnitCode);
        });
        modelBuilder.Entity<HouseholdMember>(member =>
        {
            member.ToTable("household_members");
            member.HasIndex(m => new { m.HouseholdId, m.CitizenId });
            member.HasIndex(m => m.CitizenId);
        });
        modelBuilder.Entity<Residence>(residence =>
        {
            residence.ToTable("residences");
            residence.HasIndex(r => r.CitizenId);
            residence.HasIndex(r => new { r.UnitCode, r.Kind });
        });
        modelBuilder.Entity<CivilStatusEvent>(civilEvent =>
        {
            civilEvent.ToTable("civil_status_events");
            civilEvent.HasIndex(e => e.CitizenId);
            civilEvent.HasIndex(e => e.RegistrationUnitCode);
        });
        modelBuilder.Entity<RegistryChange>(change =>
        {
            change.ToTable("registry_changes");
            change.HasIndex(c => c.Sequence).IsUnique();
            change.HasIndex(c => c.EventId).IsUnique();
            change.HasIndex(c => c.CitizenId);
            change.Property(c => c.Kind).HasMaxLength(20);
        });
        modelBuilder.Entity<RegistryChangeHead>(head =>
        {
            head.ToTable("registry_change_heads");
            head.Property(h => h.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<ImportRun>(run =>
        {
            run.ToTable("import_runs");
            run.HasIndex(r => r.FileSha256).IsUnique();
        });
        modelBuilder.Entity<Officer>(officer =>
        {
            officer.ToTable("officers");
            officer.Ignore(o => o.Jurisdiction);
            officer.HasIndex(o => o.Login).IsUnique();
        });
    }
}
