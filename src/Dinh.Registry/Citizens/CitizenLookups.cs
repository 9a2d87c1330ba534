using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

/// <summary>
/// The lookups by personal ID number, the registry's hottest reads (an officer's search by number, every exchange
/// lookup and verification), as EF Core compiled queries: a request neither rebuilds the LINQ expression nor hashes it
/// to find the translated query (docs/performance.md, "Compiled lookups"). One instance per application, not static:
/// a compiled query keeps the provider it was first run on, and one test process runs SQLite and PostgreSQL servers.
/// </summary>
public sealed class CitizenLookups
{
    private readonly Func<RegistryDbContext, string, IAsyncEnumerable<SearchCitizens.SummaryRow>> _summary = EF.CompileAsyncQuery(
        (RegistryDbContext db, string number) => db.Citizens.AsNoTracking()
            .Where(c => db.IdNumbers.Any(n => n.CitizenId == c.Id && n.Number == number))
            .Select(c => new SearchCitizens.SummaryRow(c.Id, c.PersonalIdNumber, c.FullName, c.BirthYear, c.BirthMonth, c.BirthDay, c.Sex, c.Status)));

    // The jurisdiction rule of SearchCitizens: an active residence in one of the communes, or, for someone with none,
    // the commune where the birth was registered.
    private readonly Func<RegistryDbContext, string, string[], IAsyncEnumerable<SearchCitizens.SummaryRow>> _summaryWithin = EF.CompileAsyncQuery(
        (RegistryDbContext db, string number, string[] communes) => db.Citizens.AsNoTracking()
            .Where(c => db.IdNumbers.Any(n => n.CitizenId == c.Id && n.Number == number))
            .Where(c => db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null && communes.Contains(r.UnitCode))
                || (!db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null)
                    && db.Events.Any(e => e.CitizenId == c.Id && e.Kind == CivilStatusEventKind.Birth && communes.Contains(e.RegistrationUnitCode))))
            .Select(c => new SearchCitizens.SummaryRow(c.Id, c.PersonalIdNumber, c.FullName, c.BirthYear, c.BirthMonth, c.BirthDay, c.Sex, c.Status)));

    private readonly Func<RegistryDbContext, string, CancellationToken, Task<CitizenWithResidences?>> _withResidences = EF.CompileAsyncQuery(
        (RegistryDbContext db, string number, CancellationToken _) => db.Citizens.AsNoTracking()
            .Where(c => db.IdNumbers.Any(n => n.CitizenId == c.Id && n.Number == number))
            .Select(c => new CitizenWithResidences(c,
                db.Residences.Where(r => r.CitizenId == c.Id && r.EndedOn == null && r.Kind != ResidenceKind.Temporary)
                    .Select(r => new ResidenceSpan(r.Kind, r.UnitCode, r.ValidFrom, r.ValidUntil)).ToList()))
            .FirstOrDefault());

    // What other modules may know of a citizen (CitizenDirectory), by record id: every sign-in asks it (is the holder
    // deceased?), so it reads the columns it returns, not the whole record.
    private readonly Func<RegistryDbContext, Guid, CancellationToken, Task<IdentityRow?>> _identity = EF.CompileAsyncQuery(
        (RegistryDbContext db, Guid id, CancellationToken _) => db.Citizens.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new IdentityRow(c.Id, c.PersonalIdNumber, c.FullName, c.BirthYear, c.BirthMonth, c.BirthDay, c.Sex, c.Status,
                c.FatherId, c.MotherId, c.IdCardNumber, c.IdCardExpiresOn, c.MergedIntoId))
            .FirstOrDefault());

    internal Task<IdentityRow?> IdentityAsync(RegistryDbContext db, Guid id, CancellationToken cancellationToken) =>
        _identity(db, id, cancellationToken);

    /// <summary>The summary of the citizen who holds (or held) <paramref name="number"/>; within <paramref name="communes"/> unless null.</summary>
    internal async Task<List<SearchCitizens.SummaryRow>> SummariesAsync(RegistryDbContext db, string number, IReadOnlyList<string>? communes,
        CancellationToken cancellationToken)
    {
        var rows = communes is null ? _summary(db, number) : _summaryWithin(db, number, [.. communes]);
        var found = new List<SearchCitizens.SummaryRow>(1);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            found.Add(row);
        }
        return found;
    }

    /// <summary>The citizen who holds (or held) <paramref name="number"/>, with their active permanent and current residences.</summary>
    internal Task<CitizenWithResidences?> WithResidencesAsync(RegistryDbContext db, string number, CancellationToken cancellationToken) =>
        _withResidences(db, number, cancellationToken);
}

internal sealed record IdentityRow(Guid Id, string PersonalIdNumber, string FullName, int BirthYear, int? BirthMonth, int? BirthDay,
    Sex Sex, CitizenStatus Status, Guid? FatherId, Guid? MotherId, string? IdCardNumber, DateOnly? IdCardExpiresOn, Guid? MergedIntoId);

internal sealed record ResidenceSpan(ResidenceKind Kind, string UnitCode, DateOnly ValidFrom, DateOnly? ValidUntil);

internal sealed record CitizenWithResidences(Citizen Citizen, List<ResidenceSpan> Residences);
