using System.Globalization;
using System.Text.Json;
using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Records;

public sealed record SectorRecordRequest(string? PersonalIdNumber, Dictionary<string, string?>? Attributes, string? ValidFrom, string? ValidUntil);

public sealed record SectorRecordView(string RecordType, string RecordNumber, string PersonalIdNumber, string Owner,
    IReadOnlyDictionary<string, string?> Attributes, string? ValidFrom, string? ValidUntil, DateTimeOffset UpdatedAt, int Version);

/// <summary>
/// An agency pushes (creates or replaces) one of its records: only a member whose `records-write` grant names the
/// record type may write it, and a record number belongs to the member that first wrote it. Audited and shown to
/// the citizen.
/// </summary>
internal static class PutSectorRecord
{
    public const int MaxAttributes = 40;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPut("/records/{recordType}/{recordNumber}", HandleAsync).WithName("ExchangePutSectorRecord").DisableAntiforgery()
            .WithSummary("Create or replace a sector record the member owns, linked by personal ID number; audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    public static async Task<Results<Ok<SectorRecordView>, ProblemHttpResult>> HandleAsync(string recordType, string recordNumber, SectorRecordRequest request,
        HttpContext http, ExchangeCallers callers, ExchangeDbContext db, PersonRecords persons, AccessRecorder recorder, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var errors = new Dictionary<string, string[]>();
        if (!Datasets.RecordTypes.Contains(recordType))
        {
            errors["recordType"] = ["unknown"];
        }
        if (recordNumber.Length is 0 or > 60 || recordNumber.Any(char.IsControl))
        {
            errors["recordNumber"] = ["format"];
        }
        if (!PersonalIdNumber.TryParse(request.PersonalIdNumber, out _))
        {
            errors["personalIdNumber"] = [string.IsNullOrWhiteSpace(request.PersonalIdNumber) ? "required" : "format"];
        }
        var attributes = request.Attributes ?? [];
        if (attributes.Count > MaxAttributes || attributes.Any(a => a.Key.Length is 0 or > 60 || (a.Value?.Length ?? 0) > 500))
        {
            errors["attributes"] = ["size"];
        }
        DateOnly? Date(string name, string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }
            errors[name] = ["format"];
            return null;
        }
        var from = Date("validFrom", request.ValidFrom);
        var until = Date("validUntil", request.ValidUntil);
        if (from is { } f && until is { } u && u < f)
        {
            errors["validUntil"] = ["before-valid-from"];
        }
        if (errors.Count > 0)
        {
            return ExchangeErrors.Fields(errors);
        }
        var entitlement = await GrantCheck.ForAsync(db, caller.Member.Id, Datasets.RecordsWrite, caller.Purpose, null, cancellationToken);
        var person = await persons.FindByNumberAsync(request.PersonalIdNumber, cancellationToken);
        var existing = await db.SectorRecords.FirstOrDefaultAsync(r => r.RecordType == recordType && r.RecordNumber == recordNumber, cancellationToken);
        if (!entitlement.Fields.Contains(recordType) || (existing is not null && existing.MemberId != caller.Member.Id))
        {
            recorder.Record(caller.Member, person?.CitizenId, AccessRecorder.Refused, "exchange.record.refused", caller.Purpose, caller.CaseReference,
                [recordType], "-", http.TraceIdentifier, ExchangeErrors.NoGrant.Code);
            await db.SaveChangesAsync(cancellationToken);
            return ExchangeErrors.Problem(ExchangeErrors.NoGrant);
        }
        if (person is null)
        {
            return ExchangeErrors.Problem(ExchangeErrors.PersonNotFound);
        }
        var now = clock.GetUtcNow();
        var json = JsonSerializer.Serialize(attributes);
        if (existing is null)
        {
            existing = new SectorRecord
            {
                Id = Guid.CreateVersion7(now), RecordType = recordType, RecordNumber = recordNumber, MemberId = caller.Member.Id,
                CitizenId = person.CitizenId, Attributes = json, ValidFrom = from, ValidUntil = until, UpdatedAt = now,
            };
            db.SectorRecords.Add(existing);
        }
        else
        {
            (existing.CitizenId, existing.Attributes, existing.ValidFrom, existing.ValidUntil, existing.UpdatedAt) = (person.CitizenId, json, from, until, now);
            existing.Version++;
        }
        recorder.Record(caller.Member, person.CitizenId, AccessRecorder.RecordWritten, "exchange.record.written", caller.Purpose, caller.CaseReference,
            [recordType, .. attributes.Keys], entitlement.LegalBasis, http.TraceIdentifier);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(View(existing, person.PersonalIdNumber, caller.Member.Identifier));
    }

    public static SectorRecordView View(SectorRecord r, string personalIdNumber, string owner) =>
        new(r.RecordType, r.RecordNumber, personalIdNumber, owner, JsonSerializer.Deserialize<Dictionary<string, string?>>(r.Attributes) ?? [],
            r.ValidFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.UpdatedAt, r.Version);
}

/// <summary>A person's sector records of the types the member's `records` grant names for the purpose; audited.</summary>
internal static class GetSectorRecords
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/persons/{personalIdNumber}/records", HandleAsync).WithName("ExchangeGetSectorRecords")
            .WithSummary("A person's sector records of the granted types; audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    public static async Task<Results<Ok<IReadOnlyList<SectorRecordView>>, ProblemHttpResult>> HandleAsync(string personalIdNumber, HttpContext http,
        ExchangeCallers callers, ExchangeDbContext db, PersonRecords persons, AccessRecorder recorder, CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        if (!PersonalIdNumber.TryParse(personalIdNumber, out _))
        {
            return ExchangeErrors.Fields(new() { ["personalIdNumber"] = ["format"] });
        }
        var person = await persons.FindByNumberAsync(personalIdNumber, cancellationToken);
        if (person is null)
        {
            return ExchangeErrors.Problem(ExchangeErrors.PersonNotFound);
        }
        var entitlement = await GrantCheck.ForAsync(db, caller.Member.Id, Datasets.Records, caller.Purpose, person.CitizenId, cancellationToken);
        if (!entitlement.Any)
        {
            var error = entitlement.NeedsConsent ? ExchangeErrors.ConsentRequired : ExchangeErrors.NoGrant;
            recorder.Record(caller.Member, person.CitizenId, AccessRecorder.Refused, "exchange.records.refused", caller.Purpose, caller.CaseReference,
                [], "-", http.TraceIdentifier, error.Code);
            await db.SaveChangesAsync(cancellationToken);
            return ExchangeErrors.Problem(error);
        }
        var types = entitlement.Fields.ToList();
        var rows = await (from r in db.SectorRecords.AsNoTracking()
                          join m in db.Members.AsNoTracking() on r.MemberId equals m.Id
                          where r.CitizenId == person.CitizenId && types.Contains(r.RecordType)
                          orderby r.RecordType, r.RecordNumber
                          select new { r, m.Identifier }).ToListAsync(cancellationToken);
        recorder.Record(caller.Member, person.CitizenId, AccessRecorder.Lookup, "exchange.records.read", caller.Purpose, caller.CaseReference,
            rows.Select(x => x.r.RecordType).Distinct().DefaultIfEmpty("records"), entitlement.LegalBasis, http.TraceIdentifier);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SectorRecordView>>(rows.Select(x => PutSectorRecord.View(x.r, person.PersonalIdNumber, x.Identifier)).ToList());
    }
}
