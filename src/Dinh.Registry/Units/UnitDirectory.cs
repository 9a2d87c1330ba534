using System.Globalization;
using Dinh.Platform;
using Dinh.Platform.Problems;
using Dinh.Registry.Contracts;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Units;

/// <summary>A unit as the API and the pages show it.</summary>
public sealed record UnitView(string Code, string Name, string Type, string Level, string? ParentCode, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record UnitSearchPage(IReadOnlyList<UnitView> Items, int Total, int Page, int PageSize, DateOnly Date);

/// <summary>A unit on a date, with its parents (province first) and its children on that date.</summary>
public sealed record UnitDetail(UnitView Unit, IReadOnlyList<UnitView> Parents, IReadOnlyList<UnitView> Children, DateOnly Date);

/// <summary>A search as asked (raw strings from a query string), validated into <see cref="UnitSearch"/> or errors.</summary>
public sealed record UnitSearchRequest(string? Q, string? Date, string? Level, string? Parent, int? Page, int? PageSize);

public sealed record UnitSearch(string? Query, DateOnly Date, UnitLevel? Level, string? Parent, int Page, int PageSize);

/// <summary>Browsing the effective-dated units: search by code or name, and one unit with its surroundings.</summary>
internal sealed class UnitDirectory(RegistryDbContext db, TimeProvider clock)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxPage = 10_000;
    public const int MaxQueryLength = 100;

    // Dates are Vietnamese calendar days (UTC+7, no daylight saving), whatever the server's time zone.
    public DateOnly Today => VietnamTime.Today(clock);

    /// <summary>Validates every field; each problem names its field, so a form can show it beside the input.</summary>
    public (UnitSearch? Search, List<(string Field, ErrorDefinition Error)> Errors) Validate(UnitSearchRequest request)
    {
        var errors = new List<(string, ErrorDefinition)>();
        var date = ParseDate(request.Date, errors);
        UnitLevel? level = null;
        if (!string.IsNullOrWhiteSpace(request.Level))
        {
            level = ParseLevel(request.Level);
            if (level is null)
            {
                errors.Add(("level", UnitErrors.InvalidLevel));
            }
        }
        var page = request.Page ?? 1;
        var pageSize = request.PageSize ?? DefaultPageSize;
        if (page is < 1 or > MaxPage)
        {
            errors.Add(("page", UnitErrors.InvalidPage));
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add(("pageSize", UnitErrors.InvalidPage));
        }
        var query = string.IsNullOrWhiteSpace(request.Q) ? null : VietnameseText.Clean(request.Q);
        if (query?.Length > MaxQueryLength)
        {
            errors.Add(("q", UnitErrors.QueryTooLong));
        }
        var parent = string.IsNullOrWhiteSpace(request.Parent) ? null : request.Parent.Trim();
        if (parent is not null && !IsCode(parent))
        {
            errors.Add(("parent", UnitErrors.InvalidCode));
        }
        return errors.Count > 0 ? (null, errors) : (new UnitSearch(query, date, level, parent, page, pageSize), errors);
    }

    public DateOnly ParseDate(string? text, List<(string Field, ErrorDefinition Error)> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Today;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add(("date", UnitErrors.InvalidDate));
        return Today;
    }

    public static UnitLevel? ParseLevel(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "province" or "1" => UnitLevel.Province,
        "district" or "2" => UnitLevel.District,
        "commune" or "3" => UnitLevel.Commune,
        _ => null,
    };

    public static bool IsCode(string text) => text.Length is 2 or 3 or 5 && text.All(char.IsAsciiDigit);

    /// <summary>
    /// Code prefix or name, ignoring case, diacritics and tone placement (ASCII keys on both sides). Ranked: the
    /// exact code, then a name that is the query (after its type word: "thanh hoa" → Tỉnh Thanh Hóa), then
    /// prefixes, then any match; provinces before communes within a rank.
    /// </summary>
    public async Task<UnitSearchPage> SearchAsync(UnitSearch search, CancellationToken cancellationToken)
    {
        var units = ValidOn(search.Date);
        if (search.Level is { } level)
        {
            units = units.Where(u => u.Level == level);
        }
        if (search.Parent is { } parent)
        {
            units = units.Where(u => u.ParentCode == parent);
        }

        IOrderedQueryable<AdministrativeUnit> ordered;
        if (search.Query is { } query)
        {
            var key = VietnameseText.AsciiKey(query);
            var code = query.All(char.IsAsciiDigit) ? query : null;
            var afterType = " " + key;
            units = units.Where(u => (code != null && u.Code.StartsWith(code)) || u.SearchKey.Contains(key));
            ordered = units
                .OrderBy(u => u.Code == code ? 0
                    : u.SearchKey == key || u.SearchKey.EndsWith(afterType) ? 1
                    : code != null && u.Code.StartsWith(code) ? 2
                    : u.SearchKey.StartsWith(key) || u.SearchKey.Contains(afterType) ? 3
                    : 4)
                .ThenBy(u => u.Level).ThenBy(u => u.Code);
        }
        else
        {
            ordered = units.OrderBy(u => u.Level).ThenBy(u => u.Code);
        }

        var total = await units.CountAsync(cancellationToken);
        var items = await ordered.Skip((search.Page - 1) * search.PageSize).Take(search.PageSize)
            .AsNoTracking().ToListAsync(cancellationToken);
        return new UnitSearchPage(items.Select(View).ToList(), total, search.Page, search.PageSize, search.Date);
    }

    public async Task<UnitDetail?> FindAsync(string code, DateOnly date, UnitLevel? level, CancellationToken cancellationToken)
    {
        var candidates = ValidOn(date).Where(u => u.Code == code);
        if (level is not null)
        {
            candidates = candidates.Where(u => u.Level == level);
        }
        var unit = await candidates.OrderBy(u => u.Level).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (unit is null)
        {
            return null;
        }

        // Parents: at most two hops (commune → district → province); a code length names its level, so the
        // parent code alone finds it on the date.
        var parents = new List<UnitView>();
        for (var parentCode = unit.ParentCode; parentCode is not null && parents.Count < 2;)
        {
            var parent = await ValidOn(date).Where(u => u.Code == parentCode && u.Level < unit.Level)
                .OrderBy(u => u.Level).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
            if (parent is null)
            {
                break;
            }
            parents.Insert(0, View(parent));
            parentCode = parent.ParentCode;
        }
        var children = await ValidOn(date).Where(u => u.ParentCode == unit.Code && u.Level > unit.Level)
            .OrderBy(u => u.Code).AsNoTracking().ToListAsync(cancellationToken);
        return new UnitDetail(View(unit), parents, children.Select(View).ToList(), date);
    }

    private IQueryable<AdministrativeUnit> ValidOn(DateOnly date) => db.Units.ValidOn(date);

    public static string LevelName(UnitLevel level) => level switch
    {
        UnitLevel.Province => "province",
        UnitLevel.District => "district",
        UnitLevel.Commune => "commune",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    private static UnitView View(AdministrativeUnit u) =>
        new(u.Code, u.Name, u.Type, LevelName(u.Level), u.ParentCode, u.ValidFrom, u.ValidTo);
}
