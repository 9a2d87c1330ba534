using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

public sealed record CitizenSummary(Guid Id, string PersonalIdNumber, string FullName, string DateOfBirth, string Sex, string Status);

/// <summary>
/// Search, within the officer's jurisdiction only: by an exact personal ID number (an old, cancelled number finds the
/// current record), by name and date of birth (insensitive to accents and tone placement; the year is required so
/// that a name alone cannot list a country's Nguyễns), or by commune.
/// </summary>
internal sealed record CitizenSearch(string? Number, string? Name, string? DateOfBirth, string? Unit, string? Purpose, int? Page, int? PageSize);

internal static class SearchCitizens
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/citizens", HandleAsync).WithName("SearchCitizens")
            .WithSummary("Search citizens by number, by name and date of birth, or by commune; paginated; audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    public static async Task<Results<Ok<ResultPage<CitizenSummary>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        [AsParameters] CitizenSearch search, HttpContext http, RegistryDbContext db, RegistryAccess access, ReadAudit<RegistryDbContext> reads,
        CitizenLookups lookups, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var (result, errors) = await RunAsync(search, http, officer, db, access, reads, lookups, cancellationToken);
        return result is null ? errors.ToProblem() : TypedResults.Ok(result);
    }

    public static async Task<(ResultPage<CitizenSummary>? Result, FieldErrors Errors)> RunAsync(CitizenSearch search, HttpContext http,
        SignedInOfficer officer, RegistryDbContext db, RegistryAccess access, ReadAudit<RegistryDbContext> reads, CitizenLookups lookups,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var why = errors.Required("purpose", RegistryRequest.Purpose(http, search.Purpose));
        var (page, size) = CitizenTimeline.Paging(errors, search.Page, search.PageSize);
        var query = db.Citizens.AsNoTracking();
        string? toneKey = null;
        PersonalIdNumber? lookup = null;
        if (!string.IsNullOrWhiteSpace(search.Number))
        {
            if (!PersonalIdNumber.TryParse(search.Number, out var number))
            {
                errors.Add("number", search.Number.Trim() is { Length: 12 } t && t.All(char.IsAsciiDigit) ? "province" : "format");
            }
            else
            {
                lookup = number;
            }
        }
        else if (!string.IsNullOrWhiteSpace(search.Name))
        {
            var name = errors.Name("name", search.Name);
            var date = errors.PartialDate("dateOfBirth", search.DateOfBirth, access.Today);
            if (name is not null && date is { } dob)
            {
                var key = VietnameseText.AsciiKey(name);
                toneKey = VietnameseText.ToneKey(name);
                query = query.Where(c => c.NameKeyAscii == key && c.BirthYear == dob.Year);
                // A partial date on either side matches: a registered month or day that is unknown matches any. Each
                // arm of the OR names the month and day exactly, so PostgreSQL answers every arm from the index on
                // (name_key_ascii, birth_year, birth_month, birth_day) and reads only the matching rows (a BitmapOr),
                // not every citizen with that name and year (at 10,000,000 citizens up to ~450 random heap reads).
                if (dob.Month is { } month && dob.Day is { } day)
                {
                    query = query.Where(c => (c.BirthMonth == null && (c.BirthDay == null || c.BirthDay == day))
                        || (c.BirthMonth == month && c.BirthDay == null)
                        || (c.BirthMonth == month && c.BirthDay == day));
                }
                else if (dob.Month is { } onlyMonth)
                {
                    query = query.Where(c => c.BirthMonth == null || c.BirthMonth == onlyMonth);
                }
            }
        }
        else if (!string.IsNullOrWhiteSpace(search.Unit))
        {
            var unit = search.Unit.Trim();
            if (!await access.IsCommuneAsync(unit, cancellationToken))
            {
                errors.Add("unit", "unknown-unit");
            }
            query = query.Where(c => db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null && r.UnitCode == unit));
        }
        else
        {
            errors.Add("number", "required");
        }
        if (errors.Any)
        {
            return (null, errors);
        }

        // Jurisdiction: an active residence in one of the officer's communes, or, for someone with none, the
        // commune where the birth was registered. Opening a record applies the exact rule (RegistryAccess).
        var communes = await access.CommunesAsync(officer, cancellationToken);
        List<SummaryRow> rows;
        if (lookup is { } byNumber && page == 1)
        {
            // A number names at most one citizen, so its first page is the whole answer.
            rows = await lookups.SummariesAsync(db, byNumber.Value, communes, cancellationToken);
        }
        else
        {
            if (lookup is { } past)
            {
                // Only a page past the first (always empty) comes here: kept on the general path so paging stays uniform.
                var value = past.Value;
                query = query.Where(c => db.IdNumbers.Any(n => n.CitizenId == c.Id && n.Number == value));
            }
            if (communes is not null)
            {
                query = query.Where(c => db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null && communes.Contains(r.UnitCode))
                    || (!db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null)
                        && db.Events.Any(e => e.CitizenId == c.Id && e.Kind == CivilStatusEventKind.Birth && communes.Contains(e.RegistrationUnitCode))));
            }
            // Same letters and tones (Hòa = Hoà) first, then the accent-free candidates (Hoa, Hóa …).
            // Only the columns of a summary: one round trip, no wide rows materialised.
            rows = await query.OrderByDescending(c => c.NameKeyTone == toneKey).ThenBy(c => c.NameKeyAscii).ThenBy(c => c.BirthYear).ThenBy(c => c.Id)
                .Skip((page - 1) * size).Take(size)
                .Select(c => new SummaryRow(c.Id, c.PersonalIdNumber, c.FullName, c.BirthYear, c.BirthMonth, c.BirthDay, c.Sex, c.Status))
                .ToListAsync(cancellationToken);
        }
        // A page that is not full ends the results, so it gives the total without a second round trip: most searches
        // (every lookup by number) fit one page. Only a full page, or an empty one past the first, needs the count.
        var total = rows.Count < size && (rows.Count > 0 || page == 1)
            ? (page - 1) * size + rows.Count
            : await query.CountAsync(cancellationToken);
        // A read: its audit record is group-committed with other requests' (ADR 0010), and awaited before answering.
        await reads.AppendAsync(new AuditEvent(officer.Actor, "registry.citizen.searched", why!)
        {
            RequestId = http.TraceIdentifier,
            Details = System.Text.Json.JsonSerializer.Serialize(new { results = rows.Select(r => $"citizen:{r.Id}") }),
        });
        return (new ResultPage<CitizenSummary>(rows.Select(c => new CitizenSummary(c.Id, c.PersonalIdNumber, c.FullName,
            new PartialDate(c.BirthYear, c.BirthMonth, c.BirthDay).ToString(), c.Sex.ToString(), c.Status.ToString())).ToList(), page, size, total), errors);
    }

    internal sealed record SummaryRow(Guid Id, string PersonalIdNumber, string FullName, int BirthYear, int? BirthMonth, int? BirthDay,
        Sex Sex, CitizenStatus Status);
}
