using System.Text.Json;
using Dinh.Platform;
using Dinh.Registry.Citizens;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Changes;

/// <summary>
/// Derives the published changes from what a unit of work is about to save, so that every path writing the
/// registry (API, pages, other modules calling registry code in-process) publishes without remembering to:
/// a registered birth or death event, the cancellation of a death, a residence added for a citizen who already
/// existed, a name that changed.
/// A citizen created in the same unit of work (a birth, a seed, an import) publishes only its birth event.
/// </summary>
internal static class RegistryChangeCapture
{
    public const string Birth = "birth";
    public const string Death = "death";
    public const string Residence = "residence";
    public const string Name = "name";

    /// <summary>A death registered in error was cancelled: the citizen is living. Delivered wherever <see cref="Death"/> is granted.</summary>
    public const string DeathCancelled = "death-cancelled";

    public static readonly IReadOnlyList<string> Kinds = [Birth, Death, DeathCancelled, Residence, Name];

    /// <summary>
    /// Whether a member granted <paramref name="granted"/> event kinds receives a change of <paramref name="kind"/>:
    /// a member told of a death (a pension stopped, an account frozen) is told of its cancellation too.
    /// </summary>
    public static bool Covers(IReadOnlySet<string> granted, string kind) =>
        granted.Contains(kind) || (kind == DeathCancelled && granted.Contains(Death));

    public static void Capture(RegistryDbContext db, DateTimeOffset now)
    {
        if (db.ChangeTracker.AutoDetectChangesEnabled)
        {
            db.ChangeTracker.DetectChanges();
        }
        // A failed save leaves its rows Added; derive them again rather than publish twice.
        foreach (var stale in db.CapturedChanges.Where(c => db.Entry(c).State == EntityState.Added))
        {
            db.Entry(stale).State = EntityState.Detached;
        }
        db.CapturedChanges.Clear();
        var created = db.ChangeTracker.Entries<Citizen>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.Id).ToHashSet();
        var changes = new List<RegistryChange>();
        foreach (var entry in db.ChangeTracker.Entries<CivilStatusEvent>().Where(e => e.State == EntityState.Added))
        {
            var e = entry.Entity;
            if (e.Kind == CivilStatusEventKind.Birth)
            {
                var citizen = db.ChangeTracker.Entries<Citizen>().FirstOrDefault(c => c.Entity.Id == e.CitizenId)?.Entity;
                changes.Add(Change(Birth, e.CitizenId, e.OccurredOn, now, new Dictionary<string, string?>
                {
                    ["fullName"] = citizen?.FullName,
                    ["dateOfBirth"] = citizen?.DateOfBirth.ToString(),
                    ["sex"] = citizen?.Sex.ToString().ToLowerInvariant(),
                    ["registrationUnitCode"] = e.RegistrationUnitCode,
                }));
            }
            else if (e.Kind == CivilStatusEventKind.Death)
            {
                changes.Add(Change(Death, e.CitizenId, e.OccurredOn, now, new Dictionary<string, string?>
                {
                    ["dateOfDeath"] = e.OccurredOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["registrationUnitCode"] = e.RegistrationUnitCode,
                }));
            }
            else if (e.Kind == CivilStatusEventKind.DeathCancelled)
            {
                var citizen = db.ChangeTracker.Entries<Citizen>().FirstOrDefault(c => c.Entity.Id == e.CitizenId);
                changes.Add(Change(DeathCancelled, e.CitizenId, e.OccurredOn, now, new Dictionary<string, string?>
                {
                    ["cancelledDateOfDeath"] = citizen?.Property(c => c.DateOfDeath).OriginalValue?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["registrationUnitCode"] = e.RegistrationUnitCode,
                }));
            }
        }
        foreach (var entry in db.ChangeTracker.Entries<Residence>().Where(e => e.State == EntityState.Added && !created.Contains(e.Entity.CitizenId)))
        {
            var r = entry.Entity;
            changes.Add(Change(Residence, r.CitizenId, r.ValidFrom, now, new Dictionary<string, string?>
            {
                ["residenceKind"] = r.Kind.ToString().ToLowerInvariant(),
                ["unitCode"] = r.UnitCode,
                ["validFrom"] = r.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }));
        }
        foreach (var entry in db.ChangeTracker.Entries<Citizen>().Where(e => e.State == EntityState.Modified && e.Property(c => c.FullName).IsModified))
        {
            if (entry.Property(c => c.FullName).OriginalValue == entry.Entity.FullName)
            {
                continue;
            }
            changes.Add(Change(Name, entry.Entity.Id, VietnamTime.DayOf(now), now, new Dictionary<string, string?>
            {
                ["fullName"] = entry.Entity.FullName,
            }));
        }
        if (changes.Count > 0)
        {
            db.RegistryChanges.AddRange(changes);
            db.CapturedChanges.AddRange(changes);
        }
    }

    private static RegistryChange Change(string kind, Guid citizenId, DateOnly occurredOn, DateTimeOffset now, Dictionary<string, string?> data) => new()
    {
        EventId = Guid.CreateVersion7(now),
        Kind = kind,
        CitizenId = citizenId,
        OccurredOn = occurredOn,
        RecordedAt = now,
        Data = JsonSerializer.Serialize(data),
    };
}
