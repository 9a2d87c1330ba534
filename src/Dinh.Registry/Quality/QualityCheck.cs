using System.Diagnostics;
using System.Linq.Expressions;
using System.Text.Json;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Quality;

public sealed record KindCounts(string Kind, int New, int Resolved, int Open);

public sealed record QualityRunResult(string? Unit, IReadOnlyList<KindCounts> Kinds, TimeSpan Elapsed);

/// <summary>A condition that holds now: the rows a finding would be about.</summary>
internal sealed class Candidate
{
    public Guid CitizenId { get; init; }
    public Guid SubjectId { get; init; }
    public Guid? OtherCitizenId { get; init; }
    public double? Score { get; init; }
    public string Detail { get; init; } = "";
    public string? UnitCode { get; init; }
}

/// <summary>
/// <c>dinh quality check</c> and <c>POST /api/registry/quality/runs</c>. Every check is one set-based query that EF
/// translates on SQLite and PostgreSQL; only the rows that are flagged and have no finding yet come back, a page at
/// a time, so the population is never loaded. Findings whose condition no longer holds are resolved with one
/// UPDATE per kind, the counts per commune are recomputed with one GROUP BY, and the run is one transaction with
/// one audit record.
/// </summary>
internal sealed class QualityCheck(RegistryDbContext db, TimeProvider clock, QualityCheck.RunGate gate)
{
    /// <summary>One run at a time per host (a singleton, not a static: test hosts in one process have databases of their own).</summary>
    internal sealed class RunGate : IDisposable
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public void Dispose() => Semaphore.Dispose();
    }

    public const string Actor = "system:quality-check";
    private const int Page = 2_000;

    /// <summary>The PostgreSQL advisory-lock key held by a run for its transaction (every instance, and the CLI, take it).</summary>
    internal const long RunLockKey = 0x44494E48_51_01; // "DINH" Q 1

    /// <summary>
    /// Runs every check; null when another run is in progress (two runs at once would both insert the same new
    /// findings). The caller says so rather than waiting: a national run takes minutes.
    /// </summary>
    public async Task<QualityRunResult?> RunAsync(string? unit, string actor, string purpose, string? requestId, CancellationToken cancellationToken)
    {
        // One run at a time on this instance (SQLite has one instance; PostgreSQL adds the advisory lock below).
        if (!await gate.Semaphore.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return null;
        }
        try
        {
            return await RunLockedAsync(unit, actor, purpose, requestId, cancellationToken);
        }
        finally
        {
            gate.Semaphore.Release();
        }
    }

    private async Task<QualityRunResult?> RunLockedAsync(string? unit, string actor, string purpose, string? requestId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var today = VietnamTime.DayOf(now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql()
            && !await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({RunLockKey}) AS \"Value\"").SingleAsync(cancellationToken))
        {
            return null;
        }
        var kinds = new List<KindCounts>();
        foreach (var kind in Enum.GetValues<FindingKind>())
        {
            var current = Condition(kind, today);
            var added = await AddNewAsync(kind, current, unit, today, now, cancellationToken);
            var resolved = await db.Findings
                .Where(f => f.Kind == kind && f.Status == FindingStatus.Open && (unit == null || f.UnitCode == unit)
                    && !current.Any(c => c.CitizenId == f.CitizenId && c.SubjectId == f.SubjectId))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(f => f.Status, FindingStatus.Resolved)
                    .SetProperty(f => f.ReviewedBy, Actor)
                    .SetProperty(f => f.ReviewedAt, now)
                    .SetProperty(f => f.ReviewNote, "condition no longer holds"), cancellationToken);
            var open = await db.Findings.CountAsync(f => f.Kind == kind && f.Status == FindingStatus.Open && (unit == null || f.UnitCode == unit),
                cancellationToken);
            kinds.Add(new KindCounts(KindKey(kind), added, resolved, open));
        }
        await RefreshCountsAsync(now, cancellationToken);
        db.Audit(new AuditEvent(actor, "registry.quality.checked", purpose)
        {
            Subject = unit is null ? "registry:population" : $"unit:{unit}",
            RequestId = requestId,
            Details = JsonSerializer.Serialize(new { unit, kinds }),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new QualityRunResult(unit, kinds, Stopwatch.GetElapsedTime(started));
    }

    public static string KindKey(FindingKind kind) => kind switch
    {
        FindingKind.IdNumberInconsistent => "id-number-inconsistent",
        FindingKind.MissingRequiredField => "missing-required-field",
        FindingKind.DuplicateCandidate => "duplicate-candidate",
        FindingKind.DeceasedWithActiveResidence => "deceased-with-active-residence",
        FindingKind.TemporaryResidenceExpired => "temporary-residence-expired",
        FindingKind.AddressOnAbolishedUnit => "address-on-abolished-unit",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static FindingKind? ParseKind(string? key) =>
        Enum.GetValues<FindingKind>().Where(k => KindKey(k) == key).Select(k => (FindingKind?)k).FirstOrDefault();

    /// <summary>
    /// New findings: the condition holds and no finding for it is open, dismissed or merged (a dismissed duplicate
    /// stays dismissed). Read a page, insert it, read again: what was inserted no longer qualifies.
    /// </summary>
    private async Task<int> AddNewAsync(FindingKind kind, IQueryable<Candidate> current, string? unit, DateOnly today, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var fresh = WithUnit(current, today)
            .Where(c => unit == null || c.UnitCode == unit)
            .Where(c => !db.Findings.Any(f => f.Kind == kind && f.CitizenId == c.CitizenId && f.SubjectId == c.SubjectId
                && f.Status != FindingStatus.Resolved));
        var added = 0;
        while (true)
        {
            var page = await fresh.Take(Page).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return added;
            }
            db.Findings.AddRange(page.Select(c => new DataQualityFinding
            {
                Kind = kind, CitizenId = c.CitizenId, SubjectId = c.SubjectId, OtherCitizenId = c.OtherCitizenId,
                UnitCode = c.UnitCode, Score = c.Score, Detail = c.Detail.Trim(), FoundAt = now,
            }));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            added += page.Count;
            if (page.Count < Page)
            {
                return added;
            }
        }
    }

    /// <summary>The citizen's commune, as <see cref="Officers.RegistryAccess"/> decides it: active residence (permanent first), else birth registration.</summary>
    private IQueryable<Candidate> WithUnit(IQueryable<Candidate> candidates, DateOnly today) => candidates.Select(c => new Candidate
    {
        CitizenId = c.CitizenId,
        SubjectId = c.SubjectId,
        OtherCitizenId = c.OtherCitizenId,
        Score = c.Score,
        Detail = c.Detail,
        UnitCode = db.Residences
            .Where(r => r.CitizenId == c.CitizenId && r.EndedOn == null && r.ValidFrom <= today && (r.ValidUntil == null || today <= r.ValidUntil))
            .OrderBy(r => r.Kind).Select(r => r.UnitCode).FirstOrDefault()
            ?? db.Events.Where(e => e.CitizenId == c.CitizenId && e.Kind == CivilStatusEventKind.Birth)
                .Select(e => e.RegistrationUnitCode).FirstOrDefault(),
    });

    private IQueryable<Citizen> Citizens => db.Citizens.Where(c => c.MergedIntoId == null);

    /// <summary>The rows for which <paramref name="kind"/>'s condition holds today. Documented in docs/registry-quality.md.</summary>
    // These expressions are SQL, not .NET: int.ToString() is CAST(… AS TEXT) / ::text, and string.Compare is the
    // "<" operator on digit strings, where every collation agrees.
#pragma warning disable CA1305, CA1309
    internal IQueryable<Candidate> Condition(FindingKind kind, DateOnly today)
    {
        switch (kind)
        {
            case FindingKind.IdNumberInconsistent:
                // PersonalIdNumber.Problem in SQL, without casts (PostgreSQL does not promise to evaluate a guard
                // before a cast): the century/sex digit must be the text of (year - 1900) / 100 * 2 + sex, and the
                // two year digits the text of year % 100, zero-padded.
                var prefixes = BirthRegistrationProvinces.ByPrefix.Keys.ToList();
                return Citizens.Where(NotTwelveDigits)
                    .Select(c => new { c.Id, Problem = "format" })
                    .Concat(Citizens.Where(NotTwelveDigits.Not())
                        .Where(c => !prefixes.Contains(c.PersonalIdNumber.Substring(0, 3)) || c.BirthYear < 1900 || c.BirthYear > 2399
                            || c.PersonalIdNumber.Substring(3, 1) != ((c.BirthYear - 1900) / 100 * 2 + (int)c.Sex).ToString()
                            || c.PersonalIdNumber.Substring(4, 2) != (c.BirthYear % 100 < 10 ? "0" : "") + (c.BirthYear % 100).ToString())
                        .Select(c => new
                        {
                            c.Id,
                            Problem = !prefixes.Contains(c.PersonalIdNumber.Substring(0, 3)) ? "province"
                                : (c.Sex == Sex.Male) != "02468".Contains(c.PersonalIdNumber.Substring(3, 1)) ? "sex"
                                : "birth-year",
                        }))
                    .Select(x => new Candidate { CitizenId = x.Id, SubjectId = x.Id, Detail = x.Problem });
            case FindingKind.MissingRequiredField:
                return Citizens
                    .Where(c => c.FullName.Trim() == "" || c.EthnicityCode.Trim() == "" || c.Nationality.Trim() == ""
                        || c.BirthRegistrationProvince.Trim() == "" || c.PersonalIdNumber.Trim() == "")
                    .Select(c => new Candidate
                    {
                        CitizenId = c.Id,
                        SubjectId = c.Id,
                        Detail = (c.FullName.Trim() == "" ? "fullName " : "") + (c.EthnicityCode.Trim() == "" ? "ethnicityCode " : "")
                            + (c.Nationality.Trim() == "" ? "nationality " : "") + (c.BirthRegistrationProvince.Trim() == "" ? "birthRegistrationProvince " : "")
                            + (c.PersonalIdNumber.Trim() == "" ? "personalIdNumber" : ""),
                    });
            case FindingKind.DuplicateCandidate:
                // Pairs ordered by personal ID number (unique, comparable the same way on both providers). The
                // first rule uses the (name_key_tone, birth_year, birth_registration_province) index.
                var sameBirth =
                    from a in Citizens
                    from b in Citizens
                    where a.NameKeyTone == b.NameKeyTone && a.BirthYear == b.BirthYear && a.BirthRegistrationProvince == b.BirthRegistrationProvince
                        && a.BirthMonth == b.BirthMonth && a.BirthDay == b.BirthDay
                        && string.Compare(a.PersonalIdNumber, b.PersonalIdNumber) < 0
                    select new { A = a.Id, B = b.Id, Score = 0.9, Detail = "same-name-date-of-birth-province" };
                var sameParents =
                    from a in Citizens
                    from b in Citizens
                    where a.NameKeyAscii == b.NameKeyAscii && (a.FatherId != null || a.MotherId != null)
                        && a.FatherId == b.FatherId && a.MotherId == b.MotherId
                        && string.Compare(a.PersonalIdNumber, b.PersonalIdNumber) < 0
                        && !(a.NameKeyTone == b.NameKeyTone && a.BirthYear == b.BirthYear && a.BirthRegistrationProvince == b.BirthRegistrationProvince
                            && a.BirthMonth == b.BirthMonth && a.BirthDay == b.BirthDay)
                    select new { A = a.Id, B = b.Id, Score = 0.8, Detail = "same-parents-name" };
                return sameBirth.Concat(sameParents)
                    .Select(p => new Candidate { CitizenId = p.A, SubjectId = p.B, OtherCitizenId = p.B, Score = p.Score, Detail = p.Detail });
            case FindingKind.DeceasedWithActiveResidence:
                return Citizens
                    .Where(c => c.Status == CitizenStatus.Deceased && db.Residences.Any(r => r.CitizenId == c.Id && r.EndedOn == null))
                    .Select(c => new Candidate { CitizenId = c.Id, SubjectId = c.Id, Detail = "active-residence" });
            case FindingKind.TemporaryResidenceExpired:
                return db.Residences
                    .Where(r => r.Kind == ResidenceKind.Temporary && r.EndedOn == null && r.ValidUntil < today
                        && Citizens.Any(c => c.Id == r.CitizenId))
                    .Select(r => new Candidate { CitizenId = r.CitizenId, SubjectId = r.Id, Detail = "valid-until-passed" });
            case FindingKind.AddressOnAbolishedUnit:
                // A code of the three-level structure is abolished by definition (ended 2025-06-30) even where the
                // same digits are a commune today; a two-level code must be a commune valid today.
                var validCommunes = db.Units.Where(u => u.Level == UnitLevel.Commune && u.ValidFrom <= today && (u.ValidTo == null || today <= u.ValidTo))
                    .Select(u => u.Code);
                return db.Residences
                    .Where(r => r.EndedOn == null && Citizens.Any(c => c.Id == r.CitizenId)
                        && (r.UnitStructure == AdministrativeStructure.ThreeLevel || !validCommunes.Contains(r.UnitCode)))
                    .Select(r => new Candidate { CitizenId = r.CitizenId, SubjectId = r.Id, Detail = "residence " + r.UnitCode })
                    .Concat(db.Households
                        .Where(h => h.DissolvedOn == null
                            && (h.UnitStructure == AdministrativeStructure.ThreeLevel || !validCommunes.Contains(h.UnitCode)))
                        .Select(h => new Candidate { CitizenId = h.HeadId, SubjectId = h.Id, Detail = "household " + h.UnitCode }));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
#pragma warning restore CA1305, CA1309

    /// <summary>Length is not 12 or a character is not an ASCII digit: twelve substring tests, portable SQL.</summary>
    private static readonly Expression<Func<Citizen, bool>> NotTwelveDigits = BuildNotTwelveDigits();

    private static Expression<Func<Citizen, bool>> BuildNotTwelveDigits()
    {
        var c = Expression.Parameter(typeof(Citizen), "c");
        var number = Expression.Property(c, nameof(Citizen.PersonalIdNumber));
        var substring = typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!;
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression body = Expression.NotEqual(Expression.Property(number, nameof(string.Length)), Expression.Constant(12));
        for (var i = 0; i < 12; i++)
        {
            var character = Expression.Call(number, substring, Expression.Constant(i), Expression.Constant(1));
            body = Expression.OrElse(body, Expression.Not(Expression.Call(Expression.Constant("0123456789"), contains, character)));
        }
        return Expression.Lambda<Func<Citizen, bool>>(body, c);
    }

    private async Task RefreshCountsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.QualityCounts.ExecuteDeleteAsync(cancellationToken);
        var counts = await db.Findings.Where(f => f.Status == FindingStatus.Open)
            .GroupBy(f => new { Unit = f.UnitCode ?? "", f.Kind })
            .Select(g => new { g.Key.Unit, g.Key.Kind, Count = g.Count() })
            .ToListAsync(cancellationToken);
        db.QualityCounts.AddRange(counts.Select(c => new QualityCount { UnitCode = c.Unit, Kind = c.Kind, OpenCount = c.Count, ComputedAt = now }));
    }
}

internal static class ExpressionNegation
{
    public static Expression<Func<T, bool>> Not<T>(this Expression<Func<T, bool>> predicate) =>
        Expression.Lambda<Func<T, bool>>(Expression.Not(predicate.Body), predicate.Parameters);
}
