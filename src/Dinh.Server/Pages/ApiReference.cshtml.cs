using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OpenApi;

namespace Dinh.Server.Pages;

/// <summary>
/// A local API reference rendered on the server from the same OpenAPI document that /openapi/v1.json serves:
/// no CDN, no inline script, readable on a phone.
/// </summary>
public sealed class ApiReferenceModel([FromKeyedServices("v1")] IOpenApiDocumentProvider documents) : PageModel
{
    public sealed record Parameter(string Name, string In, bool Required);

    public sealed record Operation(string Tag, string Method, string Path, string? Summary, string? Description,
        IReadOnlyList<Parameter> Parameters, IReadOnlyList<string> BodyTypes, IReadOnlyList<KeyValuePair<string, string>> Responses);

    public IReadOnlyList<Operation> Operations { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var document = await documents.GetOpenApiDocumentAsync(cancellationToken);
        Operations = document.Paths
            .SelectMany(path => (path.Value.Operations ?? []).Select(op => new Operation(
                op.Value.Tags?.FirstOrDefault()?.Name ?? "API",
                op.Key.Method,
                path.Key,
                op.Value.Summary,
                op.Value.Description,
                (op.Value.Parameters ?? []).Select(p => new Parameter(p.Name ?? "", p.In?.ToString() ?? "", p.Required)).ToList(),
                op.Value.RequestBody?.Content?.Keys.ToList() ?? [],
                (op.Value.Responses ?? []).Select(r => new KeyValuePair<string, string>(r.Key, r.Value.Description ?? "")).ToList())))
            .OrderBy(o => o.Tag, StringComparer.Ordinal).ThenBy(o => o.Path, StringComparer.Ordinal)
            .ToList();
    }
}
