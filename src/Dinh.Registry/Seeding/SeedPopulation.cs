using System.Diagnostics;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dinh.Registry.Seeding;

internal sealed record SeedResult(int Citizens, int Households, int Deceased, int TemporaryResidences, TimeSpan Elapsed);

/// <summary>
/// <c>dinh seed --citizens N</c>: fills an empty registry with a synthetic population, in batches of households,
/// each batch committed with an audit record that says the data is synthetic. On PostgreSQL the rows go by binary
/// COPY (<see cref="PostgresCopy"/>), so ten million citizens take minutes, not hours.
/// </summary>
internal sealed class SeedPopulation(RegistryDbContext db, TimeProvider clock)
{
    public async Task<SeedResult> RunAsync(int citizens, int randomSeed, IProgress<int>? progress, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? focusCommunes = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(citizens);
        var started = Stopwatch.GetTimestamp();
        if (await db.Citizens.AnyAsync(cancellationToken))
        {
            throw new InvalidOperationException("the registry already holds citizens; seed fills an empty registry only");
        }
        var now = clock.GetUtcNow();
        var today = VietnamTime.DayOf(now);
        var communes = await db.Units.AsNoTracking()
            .Where(u => u.Level == UnitLevel.Commune && u.ValidFrom <= today && (u.ValidTo == null || u.ValidTo >= today))
            .OrderBy(u => u.Code)
            .Select(u => new { u.Code, u.ParentCode })
            .ToListAsync(cancellationToken);
        if (communes.Count == 0)
        {
            throw new InvalidOperationException("no administrative units are loaded; run `dinh db migrate` first");
        }

        var all = communes.Select(c => (c.Code, c.ParentCode!)).ToList();
        var focus = focusCommunes is null ? null : all.Where(c => focusCommunes.Contains(c.Code)).ToList();
        var population = new SyntheticPopulation(new Random(randomSeed), all, today, now, focus);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var copy = db.Database.IsNpgsql() ? new PostgresCopy(db) : null;
        int written = 0, households = 0, deceased = 0, temporary = 0;
        while (written < citizens)
        {
            var batch = new List<SyntheticHousehold>();
            var size = 0;
            while (size < (copy is null ? 5_000 : 20_000) && written + size < citizens)
            {
                var household = population.NextHousehold();
                batch.Add(household);
                size += household.Citizens.Count;
                households++;
                deceased += household.Citizens.Count(c => c.DateOfDeath is not null);
                temporary += household.Residences.Count(r => r.Kind == Households.ResidenceKind.Temporary);
            }
            db.Audit(new AuditEvent("system:seed", "registry.population.seeded", "Synthetic population for demonstration and testing")
            {
                Subject = "registry:citizens",
                LegalBasis = "Synthetic data: no real person",
                Details = $$"""{"citizens":{{size}},"randomSeed":{{randomSeed}}}""",
            });
            if (copy is null)
            {
                foreach (var household in batch)
                {
                    db.Households.Add(household.Household);
                    db.Citizens.AddRange(household.Citizens);
                    db.IdNumbers.AddRange(household.Numbers);
                    db.HouseholdMembers.AddRange(household.Members);
                    db.Residences.AddRange(household.Residences);
                }
                await db.SaveChangesAsync(cancellationToken);
            }
            else
            {
                await CopyBatchAsync(copy, batch, cancellationToken);
            }
            db.ChangeTracker.Clear();
            written += size;
            progress?.Report(written);
        }
        return new SeedResult(written, households, deceased, temporary, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>PostgreSQL: the batch's rows by binary COPY and its audit record, in one transaction.</summary>
    private async Task CopyBatchAsync(PostgresCopy copy, List<SyntheticHousehold> batch, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await copy.WriteAsync(connection, batch.Select(h => h.Household).ToList(), cancellationToken);
        await copy.WriteAsync(connection, batch.SelectMany(h => h.Citizens).ToList(), cancellationToken);
        await copy.WriteAsync(connection, batch.SelectMany(h => h.Numbers).ToList(), cancellationToken);
        await copy.WriteAsync(connection, batch.SelectMany(h => h.Members).ToList(), cancellationToken);
        await copy.WriteAsync(connection, batch.SelectMany(h => h.Residences).ToList(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
