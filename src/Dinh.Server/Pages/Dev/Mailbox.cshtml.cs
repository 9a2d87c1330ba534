using Dinh.Platform.Messaging;
using Dinh.Platform.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dinh.Server.Pages.Dev;

/// <summary>
/// Development only: the outbox as a mailbox, one-time codes included. Outside Development this page has no route
/// (WebSetup), so it answers 404.
/// </summary>
// One-time codes: never kept by a browser or proxy cache.
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class MailboxModel(PlatformDbContext db) : PageModel
{
    public const int Count = 50;

    public IReadOnlyList<MailboxMessage> Messages { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Messages = await DevelopmentMailbox.LatestAsync(db, Count, recipient: null, kind: null, cancellationToken);
}
