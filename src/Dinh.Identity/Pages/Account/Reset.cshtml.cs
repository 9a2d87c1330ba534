using Dinh.Identity.Level2;
using Dinh.Identity.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Account;

/// <summary>Password reset by a code sent to the account's verified phone or e-mail; the same next page whether or not they match.</summary>
internal sealed class ResetModel(OneTimeCodes codes, IStringLocalizer<IdentityText> text) : PageModel
{
    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? number, string? phone)
    {
        if (phone is { Length: <= 254 } && phone.Contains('@', StringComparison.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(number) || number.Length > 256)
            {
                Error = text["Reset.Error.Login"];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }
            return Redirect($"/account/verify?id={await codes.StartEmailResetAsync(number, phone.Trim(), HttpContext.RequestAborted)}");
        }
        var normalized = PhoneNumbers.Normalize(phone);
        if (normalized is null || string.IsNullOrWhiteSpace(number) || number.Length > 256)
        {
            Error = normalized is null ? text["Register.Error.Phone"] : text["Reset.Error.Login"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var challenge = await codes.StartResetAsync(number, normalized, HttpContext.RequestAborted);
        return Redirect($"/account/verify?id={challenge}");
    }
}
