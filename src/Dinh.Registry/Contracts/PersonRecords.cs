using Dinh.Platform;
using Dinh.Registry.Citizens;
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
public sealed class PersonRecords(RegistryDbContext db, CitizenDirectory directory, CitizenLookups lookups, TimeProvider clock)
{
    public async Task<PersonRecord?> FindByNumberAsync(string? personalIdNumber, CancellationToken cancellationToken)
    {
        if (!PersonalIdNumber.TryParse(personalIdNumber, out var number))
        {
            return null;
        }
        // The usual case in one round trip: a registered number of a record that was not merged, with its residences.
        var found = await lookups.WithResidencesAsync(db, number.Value, cancellationToken);
        if (found is { Citizen.MergedIntoId: null })
        {
            var hit = found.Citizen;
            return Record(hit.Id, hit.PersonalIdNumber, hit.FullName, hit.DateOfBirth, hit.Sex, hit.Status == CitizenStatus.Deceased, hit.DateOfDeath,
                hit.Nationality, hit.IdCardNumber, hit.IdCardExpiresOn, found.Residences);
        }
        // A merged duplicate or a number known only on the record: resolved as the directory resolves it.
        if (await directory.FindByNumberAsync(personalIdNumber, cancellationToken) is not { } identity)
        {
            return null;
        }
        var citizen = await db.Citizens.AsNoTracking().Where(c => c.Id == identity.Id)
            .Select(c => new { c.DateOfDeath, c.Nationality }).FirstAsync(cancellationToken);
        var residences = await db.Residences.AsNoTracking()
            .Where(r => r.CitizenId == identity.Id && r.EndedOn == null && r.Kind != ResidenceKind.Temporary)
            .Select(r => new ResidenceSpan(r.Kind, r.UnitCode, r.ValidFrom, r.ValidUntil))
            .ToListAsync(cancellationToken);
        return Record(identity.Id, identity.PersonalIdNumber, identity.FullName, identity.DateOfBirth, identity.Sex, identity.Deceased,
            citizen.DateOfDeath, citizen.Nationality, identity.IdCardNumber, identity.IdCardExpiresOn, residences);
    }

    private PersonRecord Record(Guid id, string number, string fullName, PartialDate dateOfBirth, Sex sex, bool deceased, DateOnly? dateOfDeath,
        string nationality, string? idCardNumber, DateOnly? idCardExpiresOn, List<ResidenceSpan> residences)
    {
        var today = VietnamTime.Today(clock);
        string? Unit(ResidenceKind kind) => residences.Where(r => r.Kind == kind && r.ValidFrom <= today && (r.ValidUntil == null || today <= r.ValidUntil))
            .OrderByDescending(r => r.ValidFrom).Select(r => r.UnitCode).FirstOrDefault();
        return new PersonRecord(id, number, fullName, dateOfBirth, sex, deceased, dateOfDeath, nationality, Unit(ResidenceKind.Permanent),
            Unit(ResidenceKind.Current) ?? Unit(ResidenceKind.Permanent), idCardNumber, idCardExpiresOn);
    }
}
