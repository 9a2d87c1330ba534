using System.Globalization;
using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Exchange.Persons;

/// <summary>
/// Person lookup by personal ID number: the granted fields and nothing else. Asking by name for a field outside the
/// grant is refused whole (403) and recorded; without `fields`, the answer holds exactly the granted ones.
/// </summary>
internal static class LookupPerson
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/persons/{personalIdNumber}", HandleAsync).WithName("ExchangeLookupPerson")
            .WithSummary("A person's granted fields, for a purpose (Dinh-Purpose) and a case (Dinh-Case-Reference); audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    public static async Task<Results<Ok<Dictionary<string, object?>>, ProblemHttpResult>> HandleAsync(string personalIdNumber, [FromQuery] string? fields,
        HttpContext http, ExchangeCallers callers, ExchangeDbContext db, PersonRecords persons, AccessRecorder recorder, CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var requested = (fields ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = requested.Where(f => !Datasets.Fields[Datasets.Person].Contains(f)).ToList();
        if (!PersonalIdNumber.TryParse(personalIdNumber, out _) || unknown.Count > 0)
        {
            var errors = new Dictionary<string, string[]>();
            if (!PersonalIdNumber.TryParse(personalIdNumber, out _))
            {
                errors["personalIdNumber"] = ["format"];
            }
            if (unknown.Count > 0)
            {
                errors["fields"] = [.. unknown.Select(f => "unknown:" + f)];
            }
            return ExchangeErrors.Fields(errors);
        }
        var person = await persons.FindByNumberAsync(personalIdNumber, cancellationToken);
        if (person is null)
        {
            return ExchangeErrors.Problem(ExchangeErrors.PersonNotFound);
        }
        var entitlement = await GrantCheck.ForAsync(db, callers.Directory, caller.Member.Id, Datasets.Person, caller.Purpose, person.CitizenId, cancellationToken);
        var outside = requested.Where(f => !entitlement.Fields.Contains(f)).ToList();
        if (!entitlement.Any || outside.Count > 0)
        {
            var error = !entitlement.Any ? (entitlement.NeedsConsent ? ExchangeErrors.ConsentRequired : ExchangeErrors.NoGrant) : ExchangeErrors.FieldsOutsideGrant;
            recorder.Record(caller.Member, person.CitizenId, AccessRecorder.Refused, "exchange.person.refused", caller.Purpose, caller.CaseReference,
                outside.Count > 0 ? outside : requested, "-", http.TraceIdentifier, error.Code);
            await db.SaveChangesAsync(cancellationToken);
            return ExchangeErrors.Problem(error, outside.Count > 0 ? new Dictionary<string, object?> { ["fields"] = outside } : null);
        }
        var released = requested.Length > 0 ? requested.ToList() : Datasets.Fields[Datasets.Person].Where(entitlement.Fields.Contains).ToList();
        var body = new Dictionary<string, object?> { ["personalIdNumber"] = person.PersonalIdNumber };
        foreach (var field in released)
        {
            body[field] = Value(person, field);
        }
        if (!recorder.Skipping)
        {
            await recorder.RecordReadAsync(caller.Member, person.CitizenId, AccessRecorder.Lookup, "exchange.person.looked-up", caller.Purpose,
                caller.CaseReference, released, entitlement.LegalBasis, http.TraceIdentifier);
        }
        return TypedResults.Ok(body);
    }

    // The whitelist: a field leaves only through this switch.
    private static object? Value(PersonRecord p, string field) => field switch
    {
        "fullName" => p.FullName,
        "dateOfBirth" => p.DateOfBirth.ToString(),
        "sex" => p.Sex.ToString().ToLowerInvariant(),
        "deceased" => p.Deceased,
        "dateOfDeath" => p.DateOfDeath?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "nationality" => p.Nationality,
        "permanentResidenceUnitCode" => p.PermanentResidenceUnitCode,
        "currentResidenceUnitCode" => p.CurrentResidenceUnitCode,
        "idCardNumber" => p.IdCardNumber,
        "idCardExpiresOn" => p.IdCardExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
