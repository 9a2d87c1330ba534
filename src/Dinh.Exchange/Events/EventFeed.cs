using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Exchange.Events;

public sealed record EventPage(IReadOnlyList<EventMessage> Events, long Next);

/// <summary>
/// The pull feed: registry changes after a cursor, filtered to the event kinds the member's grant names for the
/// purpose. `next` is the cursor to send next time (it moves past changes the member may not see, too). A member
/// that stores `next` only after processing a page gets every event at least once; `id` deduplicates.
/// </summary>
internal static class EventFeed
{
    public const int MaxPage = 500;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/events", HandleAsync).WithName("ExchangeEvents")
            .WithSummary("Registry changes (birth, death, residence, name) after a cursor, as the member's grant allows; audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> HandleAsync([FromQuery] long? after, [FromQuery] int? limit, HttpContext http,
        ExchangeCallers callers, ExchangeDbContext db, RegistryChangeFeed feed, AccessRecorder recorder, CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        if (after is < 0 || limit is < 1 or > MaxPage)
        {
            var errors = new Dictionary<string, string[]>();
            if (after is < 0)
            {
                errors["after"] = ["range"];
            }
            if (limit is < 1 or > MaxPage)
            {
                errors["limit"] = ["range"];
            }
            return ExchangeErrors.Fields(errors);
        }
        var entitlement = await GrantCheck.ForAsync(db, caller.Member.Id, Datasets.Events, caller.Purpose, null, cancellationToken);
        if (!entitlement.Any)
        {
            recorder.Record(caller.Member, null, AccessRecorder.Refused, "exchange.events.refused", caller.Purpose, caller.CaseReference, [],
                "-", http.TraceIdentifier, ExchangeErrors.NoGrant.Code);
            await db.SaveChangesAsync(cancellationToken);
            return ExchangeErrors.Problem(ExchangeErrors.NoGrant);
        }
        await feed.SequenceAsync(5_000, cancellationToken);
        var cursor = after ?? 0;
        var wanted = limit ?? 100;
        var page = new List<EventMessage>();
        // Changes the member may not see are skipped, but a page scans a bounded number of them.
        for (var scans = 0; scans < 10 && page.Count < wanted; scans++)
        {
            var changes = await feed.ReadAsync(cursor, wanted, cancellationToken);
            if (changes.Count == 0)
            {
                break;
            }
            foreach (var change in changes)
            {
                cursor = change.Sequence;
                if (RegistryChangeFeed.Covers(entitlement.Fields, change.Kind))
                {
                    page.Add(EventMessage.From(change));
                    recorder.Record(caller.Member, change.CitizenId, AccessRecorder.Event, "exchange.event.read", caller.Purpose, caller.CaseReference,
                        [change.Kind], entitlement.LegalBasis, http.TraceIdentifier);
                    if (page.Count == wanted)
                    {
                        break;
                    }
                }
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new EventPage(page, cursor));
    }
}
