using Dinh.Platform.Web;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Registry.Pages.Officer;

/// <summary>
/// Officer pages run the same handlers as the API (one rule, two front doors): the page reads the form, calls the
/// use case and shows its field errors or problem next to the form.
/// </summary>
internal abstract class OfficerPageModel : PageModel
{
    internal SignedInOfficer? Officer => SignedInOfficer.From(User);

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Problem { get; private set; }

    public string? ProblemCode { get; private set; }

    /// <summary>The form's value for a field, as the officer typed it (for redisplay).</summary>
    public string? Value(string name) => Request.HasFormContentType ? Request.Form[name].FirstOrDefault() : Request.Query[name].FirstOrDefault();

    public string? Error(string name) => Errors.GetValueOrDefault(name);

    /// <summary>Null when an officer is signed in; else the sign-in page, or the access-denied page for an account that is not an officer's.</summary>
    protected IActionResult? SignInFirst() => Officer is null ? this.SignInOrForbid() : null;

    /// <summary>Shows a handler's refusal on the page: field errors next to their fields, other problems above the form.</summary>
    protected PageResult Show(IResult result)
    {
        switch (result)
        {
            case ValidationProblem validation:
                foreach (var (field, messages) in validation.ProblemDetails.Errors)
                {
                    Errors[field] = string.Join(" ", messages);
                }
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
        return Page();
    }

    protected static string RecordPath(Guid id, string purpose) => $"/officer/citizens/{id}?purpose={Uri.EscapeDataString(purpose)}";

    internal static IReadOnlyList<string> PurposeKeys => ["Purpose.Procedure", "Purpose.Verification", "Purpose.DataQuality"];
}
