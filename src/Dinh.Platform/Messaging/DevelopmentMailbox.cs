using Dinh.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Platform.Messaging;

/// <summary>A message as the development mailbox shows it.</summary>
public sealed record MailboxMessage(
    Guid Id, string Channel, string Recipient, string? Subject, string Body, string Kind, DateTimeOffset CreatedAt, string Status);

/// <summary>
/// Development only: the outbox read back, recipients and bodies included, for developers and for tests that
/// need a one-time code (<c>/dev/mailbox</c>, <c>/dev/mailbox/latest</c>). Never mapped outside Development.
/// </summary>
public static class DevelopmentMailbox
{
    public const string Path = "/dev/mailbox";

    /// <summary>The newest messages first, optionally only those to one recipient or of one kind.</summary>
    public static async Task<IReadOnlyList<MailboxMessage>> LatestAsync(
        PlatformDbContext db, int count, string? recipient, string? kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.OutboxMessages.AsNoTracking();
        if (!string.IsNullOrEmpty(recipient))
        {
            query = query.Where(m => m.Recipient == recipient);
        }
        if (!string.IsNullOrEmpty(kind))
        {
            query = query.Where(m => m.Kind == kind);
        }
        // Version 7 ids grow with time, which SQLite can sort (it cannot sort DateTimeOffset); the exact order within
        // a millisecond comes from the creation time, on the page of rows already read.
        var rows = await query.OrderByDescending(m => m.Id).Take(count).ToListAsync(cancellationToken);
        return rows.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Select(m => new MailboxMessage(m.Id, m.Channel.ToString(), m.Recipient, m.Subject, m.Body, m.Kind, m.CreatedAt, m.Status.ToString()))
            .ToList();
    }

    internal static IEndpointRouteBuilder MapDevelopmentMailbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path + "/latest", Latest)
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<Ok<MailboxMessage>, NotFound>> Latest(
        string? recipient, string? kind, PlatformDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        // One-time codes: never kept by a browser or proxy cache.
        http.Response.Headers.CacheControl = "no-store";
        var latest = await LatestAsync(db, 1, recipient, kind, cancellationToken);
        return latest.Count == 1 ? TypedResults.Ok(latest[0]) : TypedResults.NotFound();
    }
}
