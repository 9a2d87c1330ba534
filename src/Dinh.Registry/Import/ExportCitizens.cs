using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Import;

/// <summary>
/// <c>dinh registry export</c>: every citizen in the exchange format that <c>dinh registry import</c> reads, with the
/// latest permanent residence. Personal data leaving the system: the export is audited with its purpose.
/// </summary>
internal sealed class ExportCitizens(RegistryDbContext db)
{
    public async Task<long> RunAsync(TextWriter output, string actor, string purpose, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(string.Join(',', CitizenCsv.Columns).AsMemory(), cancellationToken);
        var rows = db.Citizens.AsNoTracking()
            .OrderBy(c => c.PersonalIdNumber)
            .Select(c => new
            {
                c.PersonalIdNumber, c.FullName, c.BirthYear, c.BirthMonth, c.BirthDay, c.Sex, c.EthnicityCode, c.Religion,
                c.Nationality, c.Birthplace, c.Hometown, c.DateOfDeath,
                Home = db.Residences.Where(r => r.CitizenId == c.Id && r.Kind == ResidenceKind.Permanent)
                    .OrderByDescending(r => r.ValidFrom)
                    .Select(r => new { r.UnitCode, r.AddressLine, r.ValidFrom })
                    .FirstOrDefault(),
            })
            .AsAsyncEnumerable();

        long count = 0;
        await foreach (var c in rows.WithCancellation(cancellationToken))
        {
            var line = string.Join(',',
                c.PersonalIdNumber, CitizenCsv.Quote(c.FullName), new PartialDate(c.BirthYear, c.BirthMonth, c.BirthDay).ToString(),
                c.Sex == Sex.Male ? "M" : "F", c.EthnicityCode, CitizenCsv.Quote(c.Religion), c.Nationality,
                CitizenCsv.Quote(c.Birthplace), CitizenCsv.Quote(c.Hometown), c.Home?.UnitCode ?? "", CitizenCsv.Quote(c.Home?.AddressLine),
                c.Home?.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                c.DateOfDeath?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            await output.WriteLineAsync(line.AsMemory(), cancellationToken);
            if (++count % 10_000 == 0)
            {
                progress?.Report(count);
            }
        }
        await output.FlushAsync(cancellationToken);

        db.Audit(new AuditEvent(actor, "registry.citizens.exported", purpose) { Subject = "registry:citizens", Details = $$"""{"rows":{{count}}}""" });
        await db.SaveChangesAsync(cancellationToken);
        return count;
    }
}
