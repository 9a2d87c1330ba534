using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Samples.LoginWithDinh.Pages;

public sealed class SignInFailedModel : PageModel
{
    public string Reason { get; private set; } = "error";

    public void OnGet(string? reason) => Reason = reason is "cancelled" or "level" ? reason : "error";
}
