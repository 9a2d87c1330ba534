using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dinh.Services.Catalogue;

/// <summary>
/// One version of a procedure's definition, stored as the JSON it was written in. A dossier pins (code, version), so
/// a new version never changes dossiers already submitted; versions are only ever added.
/// </summary>
internal sealed class ProcedureDefinition
{
    public Guid Id { get; init; }
    public required string Code { get; init; }
    public int Version { get; init; }
    public required string Json { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }

    public ProcedureSpec Spec => ProcedureSpec.Parse(Json);
}

/// <summary>What a definition says; the JSON shape of Catalogue/Definitions/*.json and of the administrators' API.</summary>
internal sealed record ProcedureSpec(string Code, int Version, string Kind, string NameVi, string NameEn, string AgencyVi, string AgencyEn,
    string Level, string Role, string LegalBasis, int TimeLimitWorkingDays, long FeeVnd, string FeeNoteVi, string FeeNoteEn, string UnitField,
    string? Effect, string? ResultDocument, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<AttachmentSpec> Attachments,
    IReadOnlyList<StepSpec>? Steps = null, string? NoteEn = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    public bool IsBundle => Kind == "bundle";

    public string Name(bool english) => english ? NameEn : NameVi;

    public static ProcedureSpec Parse(string json) =>
        JsonSerializer.Deserialize<ProcedureSpec>(json, Json) ?? throw new JsonException("empty definition");

    /// <summary>Problems with a definition an administrator submits, by JSON path; empty when it can be used.</summary>
    public Dictionary<string, string> Check(Func<string, bool> procedureExists)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(Code) || Code.Length > 60 || !Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            problems["code"] = "invalid";
        }
        if (Kind is not ("procedure" or "bundle"))
        {
            problems["kind"] = "unknown";
        }
        if (string.IsNullOrWhiteSpace(NameVi))
        {
            problems["nameVi"] = "required";
        }
        if (string.IsNullOrWhiteSpace(NameEn))
        {
            problems["nameEn"] = "required";
        }
        if (!Enum.TryParse<Dinh.Registry.Officers.OfficerRole>(Role, out _))
        {
            problems["role"] = "unknown";
        }
        if (TimeLimitWorkingDays is < 0 or > 365)
        {
            problems["timeLimitWorkingDays"] = "out-of-range";
        }
        if (FeeVnd < 0)
        {
            problems["feeVnd"] = "out-of-range";
        }
        if (Effect is not (null or "birth" or "death" or "marriage" or "permanent-residence" or "residence-deregistration" or "health-insurance-card"
            or DataSubjectRequests.DataSubjectAnswers.Effect))
        {
            problems["effect"] = "unknown";
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (Fields?.Count ?? 0); i++)
        {
            var field = Fields![i];
            if (string.IsNullOrWhiteSpace(field.Name) || !names.Add(field.Name))
            {
                problems[$"fields[{i}].name"] = "invalid-or-duplicate";
            }
            if (!FieldSpec.Types.Contains(field.Type))
            {
                problems[$"fields[{i}].type"] = "unknown";
            }
            if (field.Prefill is not null && !FieldSpec.PrefillSources.Contains(field.Prefill))
            {
                problems[$"fields[{i}].prefill"] = "unknown";
            }
        }
        if (!names.Contains(UnitField))
        {
            problems["unitField"] = "not-a-field";
        }
        if (IsBundle)
        {
            if (Steps is not { Count: > 0 })
            {
                problems["steps"] = "required";
            }
            for (var i = 0; i < (Steps?.Count ?? 0); i++)
            {
                var step = Steps![i];
                if (!procedureExists(step.Procedure))
                {
                    problems[$"steps[{i}].procedure"] = "unknown";
                }
                if (step.DependsOn.Any(d => !Steps.Take(i).Any(s => s.Procedure == d)))
                {
                    problems[$"steps[{i}].dependsOn"] = "must-name-an-earlier-step";
                }
            }
        }
        return problems;
    }
}

internal sealed record FieldSpec(string Name, string Type, string Vi, string En, bool Required = false, string? Prefill = null)
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "name", "date", "date-future", "sex", "commune", "pin", "data-request",
    };

    public static readonly IReadOnlySet<string> PrefillSources = new HashSet<string>(StringComparer.Ordinal)
    {
        "applicant.fullName", "applicant.personalIdNumber", "applicant.householdAddress", "applicant.householdCommune",
    };

    /// <summary>Data the state already holds: shown, locked, and always taken from the registry, never from the form.</summary>
    public bool Locked => Prefill is not null;

    public string Label(bool english) => english ? En : Vi;
}

internal sealed record AttachmentSpec(string Code, string Vi, string En, bool Required = false);

internal sealed record StepSpec(string Procedure, IReadOnlyList<string> DependsOn, bool Optional = false);
