using Dinh.Identity.Level2;
using Dinh.Identity.Registration;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Account;

/// <summary>Level-1 self-registration, step 1: the details the registry will be asked about, and the phone for the code.</summary>
internal sealed class RegisterModel(OneTimeCodes codes, IStringLocalizer<IdentityText> text) : PageModel
{
    [BindProperty]
    public RegistrationRequest Input { get; set; } = new(null, null, null, null, null);

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnPostAsync()
    {
        var number = Input.Number?.Trim() ?? "";
        if (number.Length != 12 || !number.All(char.IsAsciiDigit))
        {
            Errors["number"] = text["Register.Error.Number"];
        }
        if (string.IsNullOrWhiteSpace(Input.FullName) || Input.FullName.Length > 100)
        {
            Errors["name"] = text["Register.Error.Name"];
        }
        if (PartialDate.Parse(Input.DateOfBirth, out _) is null)
        {
            Errors["dob"] = text["Register.Error.DateOfBirth"];
        }
        var phone = PhoneNumbers.Normalize(Input.Phone);
        if (phone is null)
        {
            Errors["phone"] = text["Register.Error.Phone"];
        }
        if (Input.Email is { Length: > 0 } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Contains(' ', StringComparison.Ordinal)))
        {
            Errors["email"] = text["Register.Error.Email"];
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var challenge = await codes.StartRegistrationAsync(Input, phone!, HttpContext.RequestAborted);
        return Redirect($"/account/verify?id={challenge}");
    }
}
