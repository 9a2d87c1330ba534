using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>A registered guardianship as other modules may know it: who, for whom, when, on what legal basis.</summary>
public sealed record GuardianshipLink(Guid Id, Guid WardId, Guid GuardianId, DateOnly StartsOn, DateOnly? EndsOn, string LegalBasis)
{
    public bool ActiveOn(DateOnly day) => StartsOn <= day && (EndsOn is null || day <= EndsOn);
}

/// <summary>
/// The registry's guardianships (guardians who are not parents), for the identity module: a guardian with a level-2
/// account registers the ward's account (Decree 69/2024 Art. 7). Reads only; callers that show them audit it.
/// </summary>
public sealed class Guardianships(RegistryDbContext db)
{
    /// <summary>Every guardianship, current or ended, in which the citizen is the guardian.</summary>
    public async Task<IReadOnlyList<GuardianshipLink>> OfGuardianAsync(Guid guardianId, CancellationToken cancellationToken) =>
        await db.Guardianships.AsNoTracking().Where(g => g.GuardianId == guardianId).OrderBy(g => g.StartsOn)
            .Select(g => new GuardianshipLink(g.Id, g.WardId, g.GuardianId, g.StartsOn, g.EndsOn, g.LegalBasis))
            .ToListAsync(cancellationToken);

    /// <summary>The guardianships whose last day (<see cref="GuardianshipLink.EndsOn"/>) falls from <paramref name="from"/> through <paramref name="through"/>.</summary>
    public async Task<IReadOnlyList<GuardianshipLink>> EndedAsync(DateOnly from, DateOnly through, CancellationToken cancellationToken) =>
        await db.Guardianships.AsNoTracking().Where(g => g.EndsOn != null && g.EndsOn >= from && g.EndsOn <= through).OrderBy(g => g.EndsOn)
            .Select(g => new GuardianshipLink(g.Id, g.WardId, g.GuardianId, g.StartsOn, g.EndsOn, g.LegalBasis))
            .ToListAsync(cancellationToken);
}
