using Dinh.Identity.Accounts;
using Dinh.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Account;

/// <summary>
/// Sign-in with the personal ID number (citizens) or the staff login, the password, and the TOTP code when the
/// account has one (always for officers and administrators). One message for every failure.
/// </summary>
/// <remarks>The sign-in services are the POST handler's own parameters: showing the form (every visitor's first request)
/// then builds neither the user manager nor the database contexts behind it.</remarks>
internal sealed class LoginModel(IStringLocalizer<IdentityText> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Login { get; set; }

    /// <summary>Back from enrolling a new key after a reset: sign in with a code from it.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Enrolled { get; set; }

    public string? Error { get; private set; }

    public Task OnGetAsync() => Oidc.ClientOrigins.AllowForReturnUrlAsync(HttpContext, ReturnUrl);

    public async Task<IActionResult> OnPostAsync([FromForm] string? password, [FromForm] string? code, [FromServices] AccountSignIn signIn)
    {
        await Oidc.ClientOrigins.AllowForReturnUrlAsync(HttpContext, ReturnUrl);
        if (Login is { Length: > 256 } || password is { Length: > 1024 } || code is { Length: > 20 })
        {
            Error = text["Login.Invalid"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var (account, failure) = await signIn.CheckAsync(Login, password, code, HttpContext);
        switch (failure)
        {
            case SignInFailure.None:
                await signIn.SignInAsync(account!, HttpContext);
                return LocalRedirect(SafeReturn(ReturnUrl, account!));
            case SignInFailure.LockedOut:
                Error = text["Login.LockedOut"];
                break;
            case SignInFailure.Locked:
                Error = LockedMessage(account!);
                break;
            default:
                Error = text["Login.Invalid"];
                break;
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>
    /// The password was right, so the holder learns why the account is locked (Decree 69/2024 Art. 15): since when,
    /// the police's reason and the day it ends, never who decided. A deceased citizen's lock is not explained.
    /// </summary>
    private string LockedMessage(Accounts.Account account)
    {
        var day = (account.LockedAt ?? default).InVietnam().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (account.Lock == AccountLock.Holder)
        {
            return string.Format(System.Globalization.CultureInfo.CurrentCulture, text[account.IsStaff ? "Login.LockedHolderStaff" : "Login.LockedHolder"], day);
        }
        if (account.Lock == AccountLock.Deactivated)
        {
            return string.Format(System.Globalization.CultureInfo.CurrentCulture, text["Login.Deactivated"], day);
        }
        if (account.Lock != AccountLock.Police)
        {
            return text["Login.Locked"];
        }
        var message = string.Format(System.Globalization.CultureInfo.CurrentCulture, text["Login.LockedPolice"], day, account.LockReason);
        return account.LockEndsOn is { } ends
            ? message + " " + string.Format(System.Globalization.CultureInfo.CurrentCulture, text["Login.LockedUntil"],
                ends.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            : message + " " + text["Login.LockedHowToUnlock"];
    }

    private string SafeReturn(string? returnUrl, Accounts.Account account) =>
        account.IsStaff && !account.TwoFactorEnabled ? "/account#totp-title"
        : returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? returnUrl
        : account.Kind switch
        {
            AccountKind.Officer => "/officer",
            AccountKind.Administrator => "/admin",
            _ => "/account",
        };
}
