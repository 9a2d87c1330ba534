using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;

namespace Dinh.Server.Web;

/// <summary>
/// Razor Pages answer a forged or expired form with an empty 400; this marks it as an antiforgery failure so the
/// platform's error writer gives it its own code (DINH-PLT-0006) and a page that says to reload.
/// </summary>
internal sealed class AntiforgeryFailureFilter : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            context.HttpContext.Features.Set<IAntiforgeryValidationFeature>(new Failed());
            context.Result = new StatusCodeResult(StatusCodes.Status400BadRequest);
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }

    private sealed class Failed : IAntiforgeryValidationFeature
    {
        public bool IsValid => false;
        public Exception? Error => null;
    }
}
