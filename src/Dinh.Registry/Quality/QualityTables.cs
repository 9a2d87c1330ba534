using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Quality;

internal static class QualityTables
{
    public static void MapQualityTables(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataQualityFinding>(finding =>
        {
            finding.ToTable("data_quality_findings");
            finding.Property(f => f.UnitCode).HasMaxLength(5);
            finding.Property(f => f.Detail).HasMaxLength(200);
            finding.Property(f => f.ReviewedBy).HasMaxLength(100);
            finding.Property(f => f.ReviewNote).HasMaxLength(500);
            // At most one open finding per condition: a second run of the checks cannot duplicate it (status 1 = Open;
            // the filter is the same SQL on SQLite and PostgreSQL).
            finding.HasIndex(f => new { f.Kind, f.CitizenId, f.SubjectId }).IsUnique().HasFilter("status = 1")
                .HasDatabaseName("ux_data_quality_findings_open");
            finding.HasIndex(f => new { f.Kind, f.CitizenId, f.SubjectId, f.Status });
            finding.HasIndex(f => new { f.Status, f.UnitCode, f.Kind });
        });
        modelBuilder.Entity<QualityCount>(count =>
        {
            count.ToTable("data_quality_counts");
            count.HasKey(c => new { c.UnitCode, c.Kind });
            count.Property(c => c.UnitCode).HasMaxLength(5);
        });
    }
}
