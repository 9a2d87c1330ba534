using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Services.Pages;

/// <summary>
/// Portal pages run the same handlers as the API (one rule, two front doors): the page reads the form, calls the use
/// case and shows its field errors next to the fields, or its problem above the form.
/// </summary>
internal abstract class PortalPageModel : PageModel
{
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Problem { get; private set; }

    public string? ProblemCode { get; private set; }

    public string? Error(string name) => Errors.GetValueOrDefault(name);

    protected void Show(IResult result)
    {
        switch (result)
        {
            case ValidationProblem validation:
                foreach (var (field, messages) in validation.ProblemDetails.Errors)
                {
                    Errors[field] = string.Join(" ", messages);
                }
                Problem = validation.ProblemDetails.Detail;
                ProblemCode = validation.ProblemDetails.Extensions.TryGetValue("code", out var vcode) ? vcode?.ToString() : null;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case ProblemHttpResult problem:
                Problem = problem.ProblemDetails.Detail;
                ProblemCode = problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() : null;
                Response.StatusCode = problem.StatusCode;
                break;
            default:
                throw new InvalidOperationException($"Unexpected result {result.GetType().Name}.");
        }
    }
}
