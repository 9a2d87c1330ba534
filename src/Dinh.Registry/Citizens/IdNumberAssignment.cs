using System.Security.Cryptography;
using Dinh.Registry.Contracts;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

/// <summary>
/// Gives out new personal ID numbers: province prefix, century/sex digit, year, six random digits (a CSPRNG, so
/// numbers reveal no registration order). A number is never given twice, not even after it was cancelled; the
/// unique index on citizen_id_numbers.number is the final guard against a concurrent registration.
/// </summary>
internal static class IdNumberAssignment
{
    private const int Attempts = 32;

    public static async Task<PersonalIdNumber?> NewAsync(RegistryDbContext db, string provincePrefix, Sex sex, int birthYear,
        CancellationToken cancellationToken)
    {
        for (var i = 0; i < Attempts; i++)
        {
            var candidate = PersonalIdNumber.Compose(provincePrefix, sex, birthYear, RandomNumberGenerator.GetInt32(1_000_000));
            var value = candidate.Value;
            if (!await db.IdNumbers.AnyAsync(n => n.Number == value, cancellationToken)
                && !db.IdNumbers.Local.Any(n => n.Number == value))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Circular 59/2021 Art. 6: the old number is cancelled, kept in the history, and still finds the record.</summary>
    public static void Reassign(RegistryDbContext db, Citizen citizen, PersonalIdNumber number, string reason, DateTimeOffset now)
    {
        foreach (var current in db.IdNumbers.Local.Where(n => n.CitizenId == citizen.Id && n.CancelledAt is null))
        {
            current.CancelledAt = now;
            current.CancellationReason = reason;
        }
        citizen.ReassignIdNumber(number);
        db.IdNumbers.Add(new CitizenIdNumber { CitizenId = citizen.Id, Number = number.Value, AssignedAt = now });
    }
}
