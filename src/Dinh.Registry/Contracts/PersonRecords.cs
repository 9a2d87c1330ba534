using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>
/// What the exchange module may release about a person, field by field, once a member's grant allows it. Residence
/// is given as the commune code only, never the address line. Ethnicity and religion (sensitive data, Decree
/// 13/2023 Art. 2(4)) are not here at all.
/// </summary>
public sealed record PersonRecord(Guid CitizenId, string PersonalIdNumber, string FullName, PartialDate DateOfBirth, Sex Sex, bool Deceased,
    DateOnly? DateOfDeath, string Nationality, string? PermanentResidenceUnitCode, string? CurrentResidenceUnitCode, string? IdCardNumber,
    DateOnly? IdCardExpiresOn);

/// <summary>Reads a <see cref="PersonRecord"/> by personal ID number (cancelled numbers and merged duplicates resolve). Reads only, unaudited: the caller audits what it releases.</summary>
public sealed class PersonRecords(RegistryDbContext db, CitizenDirectory directory, TimeProvider clock)
{
    public async Task<PersonRecord?> FindByNumberAsync(string? personalIdNumber, CancellationToken cancellationToken)
    {
        if (await directory.FindByNumberAsync(personalIdNumber, cancellationToken) is not { } identity)
        {
            return null;
        }
        var citizen = await db.Citizens.AsNoTracking().Where(c => c.Id == identity.Id)
            .Select(c => new { c.DateOfDeath, c.Nationality }).FirstAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var residences = await db.Residences.AsNoTracking()
            .Where(r => r.CitizenId == identity.Id && r.EndedOn == null && r.Kind != ResidenceKind.Temporary)
            .Select(r => new { r.Kind, r.UnitCode, r.ValidFrom, r.ValidUntil })
            .ToListAsync(cancellationToken);
        string? Unit(ResidenceKind kind) => residences.Where(r => r.Kind == kind && r.ValidFrom <= today && (r.ValidUntil == null || today <= r.ValidUntil))
            .OrderByDescending(r => r.ValidFrom).Select(r => r.UnitCode).FirstOrDefault();
        return new PersonRecord(identity.Id, identity.PersonalIdNumber, identity.FullName, identity.DateOfBirth, identity.Sex, identity.Deceased,
            citizen.DateOfDeath, citizen.Nationality, Unit(ResidenceKind.Permanent), Unit(ResidenceKind.Current) ?? Unit(ResidenceKind.Permanent),
            identity.IdCardNumber, identity.IdCardExpiresOn);
    }
}
