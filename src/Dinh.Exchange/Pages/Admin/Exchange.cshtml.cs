using Dinh.Exchange.Events;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Identity.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Pages.Admin;

/// <summary>Administrators register members, grant and revoke, and see and re-queue parked deliveries (the same rules as `dinh members|grants`).</summary>
[Authorize(Policy = SignedInCitizens.AdministratorPolicy)]
internal sealed class ExchangeModel(ExchangeDbContext db, MemberAdministration admin) : PageModel
{
    public sealed record MemberRow(Member Member, string? WebhookUrl);
    public sealed record ParkedRow(Guid Id, string Member, string Kind, Guid EventId, int Attempts, string? LastError);

    public IReadOnlyList<MemberRow> Members { get; private set; } = [];
    public IReadOnlyList<(Grant Grant, string Member)> Grants { get; private set; } = [];
    public IReadOnlyList<ParkedRow> Parked { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Done { get; private set; }
    public string? Secret { get; private set; }

    private string Actor => $"account:{User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value}";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostMemberAsync(string identifier, string name, string jwks, int? rate) =>
        await AfterAsync(await admin.AddMemberAsync(identifier ?? "", name ?? "", jwks ?? "", rate, Actor, HttpContext.RequestAborted), "Admin.MemberAdded");

    public async Task<IActionResult> OnPostStatusAsync(string identifier, bool enable) =>
        await AfterAsync(await admin.SetStatusAsync(identifier ?? "", enable ? MemberStatus.Active : MemberStatus.Disabled, Actor, HttpContext.RequestAborted)
            ? null : "member", "Admin.StatusChanged");

    public async Task<IActionResult> OnPostGrantAsync(string identifier, string dataset, string fields, string purposes, string legalBasis, bool consentRequired)
    {
        var (error, _) = await admin.AddGrantAsync(identifier ?? "", dataset ?? "", [fields ?? ""], [purposes ?? ""], legalBasis ?? "", consentRequired, Actor,
            HttpContext.RequestAborted);
        return await AfterAsync(error, "Admin.GrantAdded");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid grantId) =>
        await AfterAsync(await admin.RevokeGrantAsync(grantId, Actor, HttpContext.RequestAborted) ? null : "grant", "Admin.GrantRevoked");

    public async Task<IActionResult> OnPostWebhookAsync(string identifier, string url)
    {
        var (error, secret) = await admin.SetWebhookAsync(identifier ?? "", url ?? "", Actor, HttpContext.RequestAborted);
        Secret = secret;
        return await AfterAsync(error, "Admin.WebhookSet");
    }

    public async Task<IActionResult> OnPostRequeueAsync(Guid? deliveryId)
    {
        await admin.RequeueParkedAsync(deliveryId, Actor, HttpContext.RequestAborted);
        return await AfterAsync(null, "Admin.Requeued");
    }

    private async Task<IActionResult> AfterAsync(string? error, string done)
    {
        if (error is not null)
        {
            Error = "Admin.Error." + error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            Done = done;
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var members = await db.Members.AsNoTracking().OrderBy(m => m.Identifier).ToListAsync(ct);
        var hooks = await db.Subscriptions.AsNoTracking().ToDictionaryAsync(s => s.MemberId, s => s.Url, ct);
        Members = members.Select(m => new MemberRow(m, hooks.GetValueOrDefault(m.Id))).ToList();
        var names = members.ToDictionary(m => m.Id, m => m.Identifier);
        Grants = (await db.Grants.AsNoTracking().Where(g => g.RevokedAt == null).ToListAsync(ct))
            .Select(g => (g, names.GetValueOrDefault(g.MemberId, "?"))).OrderBy(x => x.Item2, StringComparer.Ordinal).ToList();
        Parked = (await db.Deliveries.AsNoTracking().Where(d => d.Status == DeliveryStatus.Parked).OrderBy(d => d.Sequence).Take(200)
                .Select(d => new { d.Id, d.MemberId, d.Kind, d.EventId, d.Attempts, d.LastError }).ToListAsync(ct))
            .Select(d => new ParkedRow(d.Id, names.GetValueOrDefault(d.MemberId, "?"), d.Kind, d.EventId, d.Attempts, d.LastError)).ToList();
    }
}
