using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Dinh.Platform.Persistence;
using Dinh.Services.Attachments;
using Dinh.Services.Bundles;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Payments;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Services.Persistence;

/// <summary>The portal's tables. Audit records and the outbox are mapped here too, so they commit with the dossier change.</summary>
internal sealed class ServicesDbContext(DbContextOptions<ServicesDbContext> options) : DinhDbContext(options)
{
    public DbSet<ProcedureDefinition> Procedures => Set<ProcedureDefinition>();
    public DbSet<Holiday> Holidays => Set<Holiday>();
    public DbSet<Dossier> Dossiers => Set<Dossier>();
    public DbSet<DossierTransition> Transitions => Set<DossierTransition>();
    public DbSet<Bundle> Bundles => Set<Bundle>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<DataSubjectRequests.DataSubjectAnswer> DataSubjectAnswers => Set<DataSubjectRequests.DataSubjectAnswer>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapAuditTrail();
        modelBuilder.MapOutbox();

        modelBuilder.Entity<ProcedureDefinition>(procedure =>
        {
            procedure.ToTable("service_procedures");
            procedure.HasIndex(p => new { p.Code, p.Version }).IsUnique();
            procedure.Property(p => p.Code).HasMaxLength(60);
            procedure.Property(p => p.CreatedBy).HasMaxLength(80);
            procedure.Ignore(p => p.Spec);
        });
        modelBuilder.Entity<Holiday>(holiday =>
        {
            holiday.ToTable("service_holidays");
            holiday.HasKey(h => h.Date);
            holiday.Property(h => h.NameVi).HasMaxLength(120);
            holiday.Property(h => h.NameEn).HasMaxLength(120);
        });
        modelBuilder.Entity<Dossier>(dossier =>
        {
            dossier.ToTable("service_dossiers");
            dossier.HasIndex(d => d.ReceiptCode).IsUnique();
            // A retried submission with the same key finds the first dossier instead of making a second one.
            dossier.HasIndex(d => new { d.ApplicantAccountId, d.IdempotencyKey }).IsUnique();
            // One dossier per step of a bundle, however often the worker runs: the crash-resume guarantee.
            dossier.HasIndex(d => new { d.BundleId, d.BundleStep }).IsUnique();
            dossier.HasIndex(d => new { d.Role, d.UnitCode, d.Status, d.DueOn });
            dossier.HasIndex(d => new { d.ApplicantCitizenId, d.SubmittedAt });
            dossier.Property(d => d.ReceiptCode).HasMaxLength(40);
            dossier.Property(d => d.ProcedureCode).HasMaxLength(60);
            dossier.Property(d => d.UnitCode).HasMaxLength(5);
            dossier.Property(d => d.IdempotencyKey).HasMaxLength(100);
            dossier.Property(d => d.Reason).HasMaxLength(1000);
            dossier.Property(d => d.Version).IsConcurrencyToken();
            dossier.Ignore(d => d.Fields);
            dossier.Ignore(d => d.IsOpen);
            dossier.HasMany(d => d.Transitions).WithOne().HasForeignKey(t => t.DossierId);
        });
        modelBuilder.Entity<DataSubjectRequests.DataSubjectAnswer>(answer =>
        {
            // A table of its own: the answer can be large, and dossier lists never need it.
            answer.ToTable("service_data_subject_answers");
            answer.HasKey(a => a.DossierId);
            answer.HasOne<Dossier>().WithOne().HasForeignKey<DataSubjectRequests.DataSubjectAnswer>(a => a.DossierId);
        });
        modelBuilder.Entity<DossierTransition>(transition =>
        {
            transition.ToTable("service_dossier_transitions");
            transition.HasIndex(t => new { t.DossierId, t.Id });
            transition.Property(t => t.Action).HasMaxLength(40);
            transition.Property(t => t.Actor).HasMaxLength(80);
            transition.Property(t => t.Reason).HasMaxLength(1000);
        });
        modelBuilder.Entity<Attachment>(attachment =>
        {
            attachment.ToTable("service_attachments");
            attachment.HasIndex(a => a.DossierId);
            attachment.Property(a => a.Code).HasMaxLength(60);
            attachment.Property(a => a.FileName).HasMaxLength(200);
            attachment.Property(a => a.ContentType).HasMaxLength(60);
            attachment.Property(a => a.Sha256).HasMaxLength(64);
            attachment.Property(a => a.UploadedBy).HasMaxLength(80);
        });
        modelBuilder.Entity<Payment>(payment =>
        {
            payment.ToTable("service_payments");
            payment.HasIndex(p => p.DossierId);
            payment.Property(p => p.Reference).HasMaxLength(100);
        });
        modelBuilder.Entity<Bundle>(bundle =>
        {
            bundle.ToTable("service_bundles");
            bundle.HasIndex(b => b.ReceiptCode).IsUnique();
            bundle.HasIndex(b => new { b.ApplicantAccountId, b.IdempotencyKey }).IsUnique();
            bundle.HasIndex(b => b.NeedsAdvance);
            bundle.HasIndex(b => new { b.ApplicantCitizenId, b.SubmittedAt });
            bundle.Property(b => b.ReceiptCode).HasMaxLength(40);
            bundle.Property(b => b.ProcedureCode).HasMaxLength(60);
            bundle.Property(b => b.IdempotencyKey).HasMaxLength(100);
            bundle.Property(b => b.StopReason).HasMaxLength(1000);
            bundle.Property(b => b.Version).IsConcurrencyToken();
            bundle.Ignore(b => b.Fields);
            bundle.Ignore(b => b.Steps);
        });
    }
}
