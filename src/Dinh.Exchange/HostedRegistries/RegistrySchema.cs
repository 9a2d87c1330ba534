using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dinh.Registry.Contracts;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// A registry's schema in the GovStack Database API shape (`{"type":"object","properties":{…},"required":[…]}`),
/// checked when it is stored and then used to validate every record at the edge. The subset of JSON Schema it
/// understands: `type` (string, integer, number, boolean, object, array), `properties`, `required`, `items`, `enum`,
/// `format` (date, date-time, email), `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`; GovStack's
/// `primaryKey` (exactly one top-level string field); Dinh's `x-personal-id-number` (a top-level string field that
/// holds the citizen's personal ID number and ties the record to the citizen). Other keywords (descriptions,
/// examples, GovStack triggers) are kept and ignored. Fields the schema does not name are refused.
/// </summary>
internal sealed class RegistrySchema
{
    public const string PersonalIdKeyword = "x-personal-id-number";
    private static readonly string[] Types = ["string", "integer", "number", "boolean", "object", "array"];
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Field _root;

    private RegistrySchema(Field root, string primaryKey, string? personalIdField)
    {
        _root = root;
        PrimaryKey = primaryKey;
        PersonalIdField = personalIdField;
    }

    public string PrimaryKey { get; }
    public string? PersonalIdField { get; }

    /// <summary>Top-level field names, in schema order.</summary>
    public IEnumerable<string> FieldNames => _root.Properties!.Keys;

    public bool HasField(string name) => _root.Properties!.ContainsKey(name);

    /// <summary>The schema, or the errors that make it unusable (path → error keys).</summary>
    public static (RegistrySchema? Schema, Dictionary<string, string[]> Errors) Parse(JsonNode? node)
    {
        var errors = new Dictionary<string, string[]>();
        if (node is not JsonObject)
        {
            errors["schema"] = ["type:object"];
            return (null, errors);
        }
        var root = ParseField(node.AsObject(), "schema", errors);
        if (root is null || errors.Count > 0)
        {
            return (null, errors);
        }
        if (root.Type != "object" || root.Properties is not { Count: > 0 })
        {
            errors["schema.properties"] = ["required"];
            return (null, errors);
        }
        var keys = root.Properties.Where(p => p.Value.PrimaryKey).Select(p => p.Key).ToList();
        if (keys.Count != 1 || root.Properties[keys[0]].Type != "string")
        {
            errors["schema.properties"] = ["primaryKey:exactly-one-string-field"];
        }
        var subjects = root.Properties.Where(p => p.Value.PersonalId).Select(p => p.Key).ToList();
        if (subjects.Count > 1 || subjects.Any(s => root.Properties[s].Type != "string"))
        {
            errors["schema.properties"] = [PersonalIdKeyword + ":at-most-one-string-field"];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new RegistrySchema(root, keys[0], subjects.SingleOrDefault()), errors);
    }

    public static RegistrySchema Load(string json) =>
        Parse(JsonNode.Parse(json)).Schema ?? throw new InvalidOperationException("A stored registry schema no longer parses.");

    /// <summary>
    /// Errors of a whole record (path → error keys); empty when valid. A <paramref name="partial"/> record (a query
    /// or the fields an update writes) is checked field by field, without the required ones.
    /// </summary>
    public Dictionary<string, string[]> Validate(JsonObject record, bool partial = false)
    {
        var errors = new Dictionary<string, string[]>();
        ValidateObject(_root, record, "", partial, errors);
        return errors;
    }

    private static void ValidateObject(Field field, JsonObject value, string path, bool partial, Dictionary<string, string[]> errors)
    {
        foreach (var (name, child) in value)
        {
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            if (field.Properties is null || !field.Properties.TryGetValue(name, out var definition))
            {
                errors[childPath] = ["unknown"];
                continue;
            }
            ValidateValue(definition, child, childPath, partial, errors);
        }
        if (!partial)
        {
            foreach (var name in field.Required.Where(r => value[r] is null))
            {
                errors[path.Length == 0 ? name : $"{path}.{name}"] = ["required"];
            }
        }
    }

    private static void ValidateValue(Field field, JsonNode? value, string path, bool partial, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return;
        }
        var problem = field.Type switch
        {
            "string" => value is JsonValue v && v.TryGetValue(out string? s) ? StringProblem(field, s) : "type:string",
            "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) ? NumberProblem(field, l) : "type:integer",
            "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) ? NumberProblem(field, d) : "type:number",
            "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "type:boolean",
            "object" => value is JsonObject ? null : "type:object",
            "array" => value is JsonArray ? null : "type:array",
            _ => null,
        };
        if (problem is not null)
        {
            errors[path] = [problem];
            return;
        }
        if (field.Enum is { } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors[path] = ["enum"];
            return;
        }
        if (value is JsonObject obj && field.Properties is not null)
        {
            ValidateObject(field, obj, path, partial, errors);
        }
        if (value is JsonArray array && field.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                ValidateValue(items, array[i], $"{path}[{i}]", partial: false, errors);
            }
        }
    }

    private static string? StringProblem(Field field, string text)
    {
        if (field.MinLength is { } min && text.Length < min)
        {
            return $"minLength:{min}";
        }
        if (field.MaxLength is { } max && text.Length > max)
        {
            return $"maxLength:{max}";
        }
        if (field.PersonalId && !PersonalIdNumber.TryParse(text, out _))
        {
            return "format:personal-id-number";
        }
        var formatOk = field.Format switch
        {
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && text.Contains('T', StringComparison.Ordinal),
            "email" => MailAddress.TryCreate(text, out var mail) && mail.Address == text,
            _ => true,
        };
        if (!formatOk)
        {
            return "format:" + field.Format;
        }
        try
        {
            return field.Pattern is { } pattern && !pattern.IsMatch(text) ? "pattern" : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return "pattern";
        }
    }

    private static string? NumberProblem(Field field, double number) =>
        field.Minimum is { } min && number < min ? $"minimum:{min.ToString(CultureInfo.InvariantCulture)}"
        : field.Maximum is { } max && number > max ? $"maximum:{max.ToString(CultureInfo.InvariantCulture)}"
        : null;

    private static Field? ParseField(JsonObject node, string path, Dictionary<string, string[]> errors)
    {
        var type = node["type"] is JsonValue t && t.TryGetValue(out string? typeName) ? typeName
            : node["properties"] is not null ? "object" : null;
        if (type is null || !Types.Contains(type))
        {
            errors[path + ".type"] = ["one-of:" + string.Join('|', Types)];
            return null;
        }
        var field = new Field(type)
        {
            PrimaryKey = node["primaryKey"] is JsonValue pk && pk.TryGetValue(out bool isKey) && isKey,
            PersonalId = node[PersonalIdKeyword] is JsonValue pid && pid.TryGetValue(out bool isPid) && isPid,
            Format = node["format"] is JsonValue f && f.TryGetValue(out string? format) ? format : null,
            MinLength = Integer(node, "minLength", path, errors),
            MaxLength = Integer(node, "maxLength", path, errors),
            Minimum = node["minimum"] is JsonValue minimum && minimum.TryGetValue(out double lo) ? lo : null,
            Maximum = node["maximum"] is JsonValue maximum && maximum.TryGetValue(out double hi) ? hi : null,
            Enum = node["enum"] is JsonArray values ? [.. values.Select(v => v?.DeepClone())] : null,
        };
        if (field.Format is not (null or "date" or "date-time" or "email"))
        {
            errors[path + ".format"] = ["one-of:date|date-time|email"];
        }
        if (node["pattern"] is JsonValue p && p.TryGetValue(out string? pattern))
        {
            try
            {
                field.Pattern = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (ArgumentException)
            {
                errors[path + ".pattern"] = ["regex"];
            }
        }
        if (node["properties"] is JsonObject properties)
        {
            field.Properties = new Dictionary<string, Field>(StringComparer.Ordinal);
            foreach (var (name, child) in properties)
            {
                if (name.Length is 0 or > 100 || name.Any(char.IsControl) || name.Contains('.', StringComparison.Ordinal))
                {
                    errors[$"{path}.properties"] = ["name:" + name];
                    continue;
                }
                if (child is not JsonObject childObject)
                {
                    errors[$"{path}.properties.{name}"] = ["type:object"];
                    continue;
                }
                if (ParseField(childObject, $"{path}.properties.{name}", errors) is { } parsed)
                {
                    field.Properties[name] = parsed;
                }
            }
        }
        else if (type == "object" && node["properties"] is not null)
        {
            errors[path + ".properties"] = ["type:object"];
        }
        if (node["required"] is JsonArray required)
        {
            foreach (var name in required)
            {
                if (name is JsonValue n && n.TryGetValue(out string? text) && field.Properties?.ContainsKey(text) == true)
                {
                    field.Required.Add(text);
                }
                else
                {
                    errors[path + ".required"] = ["unknown:" + name?.ToJsonString()];
                }
            }
        }
        if (node["items"] is JsonObject items)
        {
            field.Items = ParseField(items, path + ".items", errors);
        }
        return field;
    }

    private static int? Integer(JsonObject node, string keyword, string path, Dictionary<string, string[]> errors)
    {
        if (node[keyword] is null)
        {
            return null;
        }
        if (node[keyword] is JsonValue v && v.TryGetValue(out int n) && n >= 0)
        {
            return n;
        }
        errors[$"{path}.{keyword}"] = ["type:integer"];
        return null;
    }

    private sealed class Field(string type)
    {
        public string Type { get; } = type;
        public bool PrimaryKey { get; init; }
        public bool PersonalId { get; init; }
        public string? Format { get; init; }
        public int? MinLength { get; init; }
        public int? MaxLength { get; init; }
        public double? Minimum { get; init; }
        public double? Maximum { get; init; }
        public List<JsonNode?>? Enum { get; init; }
        public Regex? Pattern { get; set; }
        public Dictionary<string, Field>? Properties { get; set; }
        public List<string> Required { get; } = [];
        public Field? Items { get; set; }
    }
}
