using System.Globalization;
using Dinh.Registry.Contracts;

namespace Dinh.Registry.Import;

/// <summary>One valid row of a citizen file, normalised and ready to store.</summary>
internal sealed record CitizenRow(
    long RowNumber, string Number, string FullName, string NameKeyTone, string NameKeyAscii,
    int BirthYear, int? BirthMonth, int? BirthDay, Sex Sex, string Province,
    string? Birthplace, string? Hometown, string EthnicityCode, string? Religion, string Nationality,
    string? ResidenceUnitCode, string? ResidenceAddress, DateOnly? ResidenceFrom, DateOnly? DateOfDeath);

internal sealed record RowError(long RowNumber, string Field, string Code, string Message);

/// <summary>
/// The citizen exchange file (docs/registry-import.md): UTF-8 (or legacy Windows-1258) CSV with a header row.
/// The same columns come out of <c>dinh registry export</c>, so a file moves between systems unchanged.
/// </summary>
internal static class CitizenCsv
{
    public static readonly string[] Columns =
    [
        "personal_id_number", "full_name", "date_of_birth", "sex", "ethnicity_code", "religion", "nationality",
        "birthplace", "hometown", "residence_unit_code", "residence_address", "residence_from", "date_of_death",
    ];

    private static readonly string[] Required = ["personal_id_number", "full_name", "date_of_birth", "sex", "ethnicity_code"];

    /// <summary>Column positions by name, or the header's problem.</summary>
    public static (Dictionary<string, int>? Positions, string? Problem) ReadHeader(IReadOnlyList<string> header)
    {
        var positions = header
            .Select((name, index) => (Name: name.Trim().TrimStart('\uFEFF').ToLowerInvariant(), Index: index))
            .GroupBy(c => c.Name)
            .ToDictionary(g => g.Key, g => g.First().Index);
        var missing = Required.Where(r => !positions.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            return (null, $"the header lacks the required column(s) {string.Join(", ", missing)}; expected {string.Join(",", Columns)}");
        }
        var unknown = positions.Keys.Where(k => !Columns.Contains(k)).ToList();
        return unknown.Count > 0 ? (null, $"unknown column(s) {string.Join(", ", unknown)}; expected {string.Join(",", Columns)}") : (positions, null);
    }

    /// <summary>Validates one record; every problem is reported with its field, not just the first.</summary>
    public static CitizenRow? Parse(long rowNumber, IReadOnlyList<string> fields, Dictionary<string, int> positions, int columnCount,
        ISet<string> knownUnits, DateOnly today, List<RowError> errors)
    {
        if (fields.Count != columnCount)
        {
            errors.Add(new(rowNumber, "*", ImportErrors.ColumnCount, $"{fields.Count} columns, the header has {columnCount}"));
            return null;
        }
        string? Field(string name) => positions.TryGetValue(name, out var i) && fields[i].Trim() is { Length: > 0 } v ? v : null;
        var before = errors.Count;
        void Fail(string field, string code, string message) => errors.Add(new(rowNumber, field, code, message));

        var name = Field("full_name");
        var nameProblem = VietnameseText.NameProblem(name);
        if (nameProblem is not null)
        {
            Fail("full_name", ImportErrors.Name, $"full name is not acceptable: {nameProblem}");
        }

        var dateOfBirth = PartialDate.Parse(Field("date_of_birth"), out var dateProblem);
        if (dateOfBirth is null)
        {
            Fail("date_of_birth", ImportErrors.Date, $"date of birth is {(Field("date_of_birth") is null ? "missing" : dateProblem)}: use yyyy, yyyy-MM or yyyy-MM-dd");
        }
        else if (dateOfBirth.Value.Earliest > today)
        {
            Fail("date_of_birth", ImportErrors.Date, "date of birth is in the future");
        }

        Sex? sex = Field("sex")?.ToUpperInvariant() switch
        {
            "M" or "MALE" or "NAM" => Sex.Male,
            "F" or "FEMALE" or "NỮ" or "NU" => Sex.Female,
            _ => null,
        };
        if (sex is null)
        {
            Fail("sex", ImportErrors.Sex, "sex must be M or F (Nam / Nữ)");
        }

        var number = Field("personal_id_number");
        if (!PersonalIdNumber.TryParse(number, out var id))
        {
            var badProvince = number is { Length: 12 } && number.All(char.IsAsciiDigit);
            Fail("personal_id_number", badProvince ? ImportErrors.IdProvince : ImportErrors.IdFormat,
                badProvince ? $"no birth-registration province has prefix {number![..3]}" : "a personal ID number is 12 digits");
        }
        else if (sex is not null && dateOfBirth is not null && PersonalIdNumber.Problem(id.Value, sex.Value, dateOfBirth.Value.Year) is { } idProblem)
        {
            Fail("personal_id_number", ImportErrors.IdInconsistent, idProblem == "sex"
                ? "the century/sex digit does not match the sex"
                : "the century digit and year do not match the year of birth");
        }

        var ethnicity = Field("ethnicity_code");
        if (ethnicity is null || !Ethnicities.ByCode.ContainsKey(ethnicity.PadLeft(2, '0')))
        {
            Fail("ethnicity_code", ImportErrors.Ethnicity, "ethnicity code must be one of the 54 groups (01–54) or 55 (foreign origin)");
        }

        var nationality = (Field("nationality") ?? "VN").ToUpperInvariant();
        if (nationality.Length != 2 || !nationality.All(char.IsAsciiLetterUpper))
        {
            Fail("nationality", ImportErrors.Nationality, "nationality is an ISO 3166 two-letter code (VN)");
        }

        var unitCode = Field("residence_unit_code");
        if (unitCode is not null && !knownUnits.Contains(unitCode))
        {
            Fail("residence_unit_code", ImportErrors.UnitCode, $"no commune has code {unitCode} in the current structure");
        }
        DateOnly? residenceFrom = null;
        if (Field("residence_from") is { } from)
        {
            if (DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && parsed <= today)
            {
                residenceFrom = parsed;
            }
            else
            {
                Fail("residence_from", ImportErrors.Date, "residence start must be a past date yyyy-MM-dd");
            }
        }
        DateOnly? death = null;
        if (Field("date_of_death") is { } died)
        {
            if (!DateOnly.TryParseExact(died, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || parsed > today)
            {
                Fail("date_of_death", ImportErrors.Date, "date of death must be a past date yyyy-MM-dd");
            }
            else if (dateOfBirth is not null && parsed < dateOfBirth.Value.Earliest)
            {
                Fail("date_of_death", ImportErrors.DeathBeforeBirth, "date of death precedes the date of birth");
            }
            else
            {
                death = parsed;
            }
        }

        if (errors.Count > before)
        {
            return null;
        }
        var cleanName = VietnameseText.Clean(name!);
        string? Text(string column) => Field(column) is { } v ? VietnameseText.Clean(v) : null;
        return new CitizenRow(rowNumber, id.Value, cleanName, VietnameseText.ToneKey(cleanName), VietnameseText.AsciiKey(cleanName),
            dateOfBirth!.Value.Year, dateOfBirth.Value.Month, dateOfBirth.Value.Day, sex!.Value, id.ProvincePrefix,
            Text("birthplace"), Text("hometown"), ethnicity!.PadLeft(2, '0'), Text("religion"), nationality,
            unitCode, unitCode is null ? null : Text("residence_address") ?? "", unitCode is null ? null : residenceFrom ?? dateOfBirth.Value.Earliest,
            death);
    }

    /// <summary>RFC 4180 quoting, only where needed.</summary>
    public static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}

/// <summary>Stable codes of the bulk import (DINH-REG-03xx); the error report names them per row and field.</summary>
internal static class ImportErrors
{
    public const string ColumnCount = "DINH-REG-0301";
    public const string IdFormat = "DINH-REG-0302";
    public const string IdProvince = "DINH-REG-0303";
    public const string IdInconsistent = "DINH-REG-0304";
    public const string Name = "DINH-REG-0305";
    public const string Date = "DINH-REG-0306";
    public const string Sex = "DINH-REG-0307";
    public const string Ethnicity = "DINH-REG-0308";
    public const string UnitCode = "DINH-REG-0309";
    public const string AlreadyRegistered = "DINH-REG-0310";
    public const string DuplicateInFile = "DINH-REG-0311";
    public const string DeathBeforeBirth = "DINH-REG-0312";
    public const string Nationality = "DINH-REG-0313";
}
