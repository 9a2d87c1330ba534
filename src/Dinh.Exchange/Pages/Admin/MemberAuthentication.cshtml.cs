using Dinh.Exchange.Members;
using Dinh.Identity.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Exchange.Pages.Admin;

/// <summary>
/// How one member system authenticates at the token endpoint: the method, its keys, the registered certificate's
/// SHA-256 thumbprint and validity; replacing the certificate (mutual TLS) or switching to public keys
/// (private_key_jwt) and back. Every change is audited (exchange.member.authentication.changed, before and after).
/// </summary>
[Authorize(Policy = SignedInCitizens.AdministratorPolicy)]
internal sealed class MemberAuthenticationModel(MemberAdministration admin, TimeProvider clock) : PageModel
{
    /// <summary>Certificates that expire within this many days are flagged.</summary>
    public const int ExpiryWarningDays = 30;

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public Member? Member { get; private set; }
    public ClientCredentials? Credentials { get; private set; }
    public string? Error { get; private set; }
    public string? Done { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        // Post/redirect/get: a reload does not send the form twice.
        Done = done switch
        {
            "certificate" => "Auth.CertificateReplaced", "keys" => "Auth.KeysReplaced", "subject" => "Auth.SubjectReplaced", _ => null,
        };
        return await LoadAsync();
    }

    public async Task<IActionResult> OnPostCertificateAsync(string? certificate) =>
        await AfterAsync(await admin.ReplaceCertificateAsync(Id, certificate ?? "", Actor, HttpContext.RequestAborted), "certificate");

    public async Task<IActionResult> OnPostSubjectAsync(string? subject) =>
        await AfterAsync(await admin.ReplaceSubjectAsync(Id, subject ?? "", Actor, HttpContext.RequestAborted), "subject");

    public async Task<IActionResult> OnPostKeysAsync(string? jwks) =>
        await AfterAsync(await admin.ReplacePublicKeysAsync(Id, jwks ?? "", Actor, HttpContext.RequestAborted), "keys");

    private string Actor => $"account:{User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value}";

    private async Task<IActionResult> AfterAsync(string? error, string done)
    {
        if (error is null)
        {
            return RedirectToPage(new { Id, done });
        }
        Error = "Admin.Error." + error;
        var page = await LoadAsync();
        if (Member is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return page;
    }

    private async Task<IActionResult> LoadAsync()
    {
        if (await admin.AuthenticationAsync(Id, HttpContext.RequestAborted) is not { } found)
        {
            return NotFound();
        }
        (Member, Credentials) = found;
        return Page();
    }
}
