using Dinh.Registry.Citizens;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>
/// Whether a citizen is alive, as another module may read it in its own query: the registry's <c>citizens</c> table
/// seen through three columns, read-only and outside that module's migrations. The identity module joins it to the
/// account a sign-in looks up, so the "is the holder deceased?" safety net costs no round trip of its own (ADR 0028).
/// A merged record's status is not its survivor's: follow <see cref="MergedIntoId"/> with <see cref="CitizenDirectory"/>.
/// </summary>
public sealed class CitizenVitalStatus
{
    public Guid Id { get; private set; }

    public CitizenStatus Status { get; private set; }

    public Guid? MergedIntoId { get; private set; }
}

public static class CitizenVitalStatusModel
{
    /// <summary>Maps <see cref="CitizenVitalStatus"/> onto the registry's table, which the registry's own migrations create.</summary>
    public static ModelBuilder MapCitizenVitalStatus(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<CitizenVitalStatus>(status =>
        {
            status.ToTable("citizens", table => table.ExcludeFromMigrations());
            status.HasKey(s => s.Id);
        });
        return modelBuilder;
    }
}
