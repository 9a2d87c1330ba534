using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// The GovStack request bodies (`{"query":{"content":{…}},"write":{"content":{…}}}`), read by hand so that a
/// malformed body gets a 400 naming the part at fault rather than a binder's generic error.
/// </summary>
internal sealed class GovStackBody
{
    private readonly JsonObject _body;

    private GovStackBody(JsonObject body) => _body = body;

    public JsonObject Raw => _body;

    public static async Task<(GovStackBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, RegistryErrors.Field("body", "content-type:application/json"));
        }
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return node is JsonObject body ? (new GovStackBody(body), null) : (null, RegistryErrors.Field("body", "type:object"));
        }
        catch (JsonException)
        {
            return (null, RegistryErrors.Field("body", "json"));
        }
    }

    /// <summary>`part.content` as an object; null and an error when required and absent, or present and not an object.</summary>
    public JsonObject? Content(string part, bool required, Dictionary<string, string[]> errors)
    {
        var node = _body[part];
        if (node is null)
        {
            if (required)
            {
                errors[$"{part}.content"] = ["required"];
            }
            return null;
        }
        if (node is not JsonObject partObject || partObject["content"] is not JsonObject content)
        {
            errors[$"{part}.content"] = [node is JsonObject o && o["content"] is null ? "required" : "type:object"];
            return null;
        }
        return content;
    }

    /// <summary>Schema errors of a part, their paths prefixed with the part (`write.content.birthdate`).</summary>
    public static void Prefix(string part, Dictionary<string, string[]> source, Dictionary<string, string[]> errors)
    {
        foreach (var (path, keys) in source)
        {
            errors[$"{part}.content.{path}"] = keys;
        }
    }
}
