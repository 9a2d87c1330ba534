using System.Globalization;
using Dinh.Identity.Contracts;
using Dinh.Registry.Contracts;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;

namespace Dinh.Services.Dossiers;

/// <summary>
/// Fills a procedure's form: the fields the state already holds come from the registry and are locked (a value typed
/// for them is ignored), the others are validated one by one, each problem naming its field.
/// </summary>
internal sealed class ApplicationForm(CitizenDirectory citizens, CivilRegistration registry, OfficerJurisdictions units, WorkingCalendar calendar)
{
    public const int MaxLength = 200;

    /// <summary>The prefilled values for a form shown to the citizen.</summary>
    public async Task<Dictionary<string, string>> PrefillAsync(ProcedureSpec spec, SignedInCitizen applicant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(applicant);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var identity = await citizens.FindAsync(applicant.CitizenId, cancellationToken);
        var household = await registry.PermanentHouseholdOfAsync(applicant.CitizenId, cancellationToken);
        foreach (var field in spec.Fields.Where(f => f.Prefill is not null))
        {
            var value = field.Prefill switch
            {
                "applicant.fullName" => identity?.FullName,
                "applicant.personalIdNumber" => identity?.PersonalIdNumber,
                "applicant.householdAddress" => household?.AddressLine,
                "applicant.householdCommune" => household?.UnitCode,
                _ => null,
            };
            if (value is not null)
            {
                values[field.Name] = value;
            }
        }
        if (household is not null)
        {
            values["householdId"] = household.HouseholdId.ToString();
        }
        return values;
    }

    /// <summary>The dossier's fields and the problems, by field name (empty when valid).</summary>
    public async Task<(Dictionary<string, string> Fields, Dictionary<string, string> Problems)> FillAsync(ProcedureSpec spec, SignedInCitizen applicant,
        IReadOnlyDictionary<string, string?>? submitted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var fields = await PrefillAsync(spec, applicant, cancellationToken);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var today = calendar.Today;
        foreach (var field in spec.Fields.Where(f => f.Prefill is null))
        {
            var raw = submitted?.GetValueOrDefault(field.Name)?.Normalize(System.Text.NormalizationForm.FormC).Trim();
            if (string.IsNullOrEmpty(raw))
            {
                if (field.Required)
                {
                    problems[field.Name] = "required";
                }
                continue;
            }
            if (raw.Length > MaxLength || raw.Any(char.IsControl))
            {
                problems[field.Name] = raw.Length > MaxLength ? "too-long" : "format";
                continue;
            }
            var problem = field.Type switch
            {
                "date" => !DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? "format"
                    : d > today ? "in-the-future" : null,
                "date-future" => !DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? "format"
                    : d <= today ? "in-the-past" : null,
                "sex" => raw is "male" or "female" ? null : "unknown",
                "data-request" => raw is "access" or "correction" or "deletion" or "restriction" ? null : "unknown",
                "commune" => raw.Length != 5 || !raw.All(char.IsAsciiDigit) ? "format"
                    : !await units.IsCommuneAsync(raw, cancellationToken) ? "unknown-unit" : null,
                "pin" => !PersonalIdNumber.TryParse(raw, out _) ? "format"
                    : await citizens.FindByNumberAsync(raw, cancellationToken) is null ? "not-found" : null,
                "name" => raw.Any(c => char.IsDigit(c) || (char.IsSymbol(c) && c != '\'')) ? "format" : null,
                _ => null,
            };
            if (problem is not null)
            {
                problems[field.Name] = problem;
                continue;
            }
            fields[field.Name] = raw;
        }
        foreach (var field in spec.Fields.Where(f => f.Prefill is not null && f.Required && !fields.ContainsKey(f.Name)))
        {
            problems[field.Name] = "required";
        }
        return (fields, problems);
    }
}
