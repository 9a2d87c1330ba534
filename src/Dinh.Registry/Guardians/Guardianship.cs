using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Guardians;

/// <summary>
/// A guardianship registered at a commune (Civil Code 2015 Art. 46–62; Law on Civil Status 2014 Art. 20–23): the
/// guardian acts for the ward from <see cref="StartsOn"/> until <see cref="EndsOn"/> (inclusive), or until the
/// registration of its end. Parents are not recorded here: they are the citizen's father and mother.
/// </summary>
internal sealed class Guardianship
{
    public Guid Id { get; init; }
    public Guid WardId { get; init; }
    public Guid GuardianId { get; init; }
    public DateOnly StartsOn { get; init; }
    public DateOnly? EndsOn { get; private set; }
    public required string LegalBasis { get; init; }
    public required string RegistrationUnitCode { get; init; }
    public required string RegisteredBy { get; init; }
    public DateTimeOffset RegisteredAt { get; init; }
    public string? EndedBy { get; private set; }
    public string? EndLegalBasis { get; private set; }

    public bool ActiveOn(DateOnly day) => StartsOn <= day && (EndsOn is null || day <= EndsOn);

    /// <summary>The last day of the guardianship: the day before the end registered.</summary>
    public void End(DateOnly endedOn, string actor, string legalBasis) =>
        (EndsOn, EndedBy, EndLegalBasis) = (endedOn.AddDays(-1), actor, legalBasis);
}

internal static class GuardianshipTables
{
    public static void MapGuardianships(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Guardianship>(guardianship =>
        {
            guardianship.ToTable("guardianships");
            guardianship.HasIndex(g => g.WardId);
            guardianship.HasIndex(g => g.GuardianId);
            guardianship.Property(g => g.RegistrationUnitCode).HasMaxLength(5);
            guardianship.Property(g => g.RegisteredBy).HasMaxLength(100);
            guardianship.Property(g => g.EndedBy).HasMaxLength(100);
        });
    }
}
