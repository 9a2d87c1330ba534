using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Identity.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Dinh.Identity.Pages.Account;

/// <summary>
/// Step 2 of registration and of a password reset: the code sent by SMS and the new password. A wrong, expired or
/// already used code gets one message; five wrong codes close the challenge.
/// </summary>
internal sealed class VerifyModel(OneTimeCodes codes, UserManager<Accounts.Account> users, AccountsDbContext db, AccountSignIn signIn,
    Registry.Contracts.CitizenDirectory citizens, TimeProvider clock, IStringLocalizer<IdentityText> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? code, string? password, string? confirm)
    {
        if (password is null || password != confirm || password.Length > 1024)
        {
            return Fail(text["Password.Mismatch"]);
        }
        foreach (var validator in users.PasswordValidators)
        {
            var valid = await validator.ValidateAsync(users, new Accounts.Account(), password);
            if (!valid.Succeeded)
            {
                return Fail(PasswordErrors.Describe(valid, text));
            }
        }
        if (code is { Length: > 20 } || await codes.CheckAsync(Id, code, HttpContext.RequestAborted) is not { Purpose: not CodePurpose.EmailVerification } challenge)
        {
            return Fail(text["Verify.Wrong"]);
        }
        var now = clock.GetUtcNow();
        if (challenge.Purpose == CodePurpose.PasswordReset)
        {
            var account = await users.FindByIdAsync(challenge.AccountId!.Value.ToString());
            if (account is null)
            {
                return Fail(text["Verify.Wrong"]);
            }
            var token = await users.GeneratePasswordResetTokenAsync(account);
            var reset = await users.ResetPasswordAsync(account, token, password);
            if (!reset.Succeeded)
            {
                return Fail(PasswordErrors.Describe(reset, text));
            }
            await users.ResetAccessFailedCountAsync(account);
            await signIn.RevokeEverywhereAsync(account.Id, now);
            db.Audit(IdentityAudit.Of($"account:{account.Id}", "account.password.reset", $"account:{account.Id}", challenge.Phone is null ? "account owner, code by e-mail" : "account owner, code by SMS",
                "Decree 69/2024", HttpContext.TraceIdentifier, null));
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            return Redirect("/account/login?reset=1");
        }

        var citizen = challenge.CitizenId!.Value;
        var created = new Accounts.Account
        {
            Id = Guid.CreateVersion7(now), Kind = AccountKind.Citizen, CitizenId = citizen, Level = AssuranceLevel.Level1, CreatedAt = now,
            PhoneNumber = challenge.Phone, PhoneNumberConfirmed = true, Email = challenge.Email, LockoutEnabled = true,
        };
        created.UserName = await NumberAsync(citizen);
        db.Audit(IdentityAudit.Of($"account:{created.Id}", "account.registered", $"citizen:{citizen}", "self-registration, level 1",
            "Decree 69/2024 Art. 10", HttpContext.TraceIdentifier, null));
        var result = await users.CreateAsync(created, password);
        if (!result.Succeeded)
        {
            // Another browser registered the same citizen a moment ago (unique citizen id): nothing half-written.
            return Fail(text["Verify.Wrong"]);
        }
        await signIn.SignInAsync(created, HttpContext);
        return Redirect("/account?welcome=1");
    }

    private async Task<string?> NumberAsync(Guid citizenId) =>
        (await citizens.FindAsync(citizenId, HttpContext.RequestAborted))?.PersonalIdNumber;

    private PageResult Fail(string message)
    {
        Error = message;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
