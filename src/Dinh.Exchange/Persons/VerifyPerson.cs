using Dinh.Exchange.Access;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Dinh.Exchange.Persons;

public sealed record VerificationRequest(string? PersonalIdNumber, string? FullName, string? DateOfBirth, string? Sex, string? IdCardNumber);

/// <summary>Per attribute: does it match the record? An unknown number answers found = false and every attribute false.</summary>
public sealed record VerificationResult(string PersonalIdNumber, bool Found, IReadOnlyDictionary<string, bool> Matches);

/// <summary>
/// Verification (eKYC): "do these attributes match the record?", yes or no per attribute, no data returned. Names
/// are compared as the registry compares them (case, Unicode form and tone-mark position do not matter).
/// </summary>
internal static class VerifyPerson
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/verifications", HandleAsync).WithName("ExchangeVerifyPerson").DisableAntiforgery()
            .WithSummary("Match or no match per attribute against the registry; no data returned; audited.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    public static async Task<Results<Ok<VerificationResult>, ProblemHttpResult>> HandleAsync(VerificationRequest request, HttpContext http,
        ExchangeCallers callers, ExchangeDbContext db, PersonRecords persons, AccessRecorder recorder, CancellationToken cancellationToken)
    {
        var (caller, problem) = await callers.AuthenticateAsync(http, cancellationToken);
        if (caller is null)
        {
            return problem!;
        }
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                attributes[name] = value.Trim();
            }
        }
        Add("fullName", request.FullName);
        Add("dateOfBirth", request.DateOfBirth);
        Add("sex", request.Sex);
        Add("idCardNumber", request.IdCardNumber);
        var errors = new Dictionary<string, string[]>();
        if (!PersonalIdNumber.TryParse(request.PersonalIdNumber, out _))
        {
            errors["personalIdNumber"] = [string.IsNullOrWhiteSpace(request.PersonalIdNumber) ? "required" : "format"];
        }
        if (attributes.Count == 0)
        {
            errors["attributes"] = ["required"];
        }
        if (attributes.TryGetValue("sex", out var sex) && sex is not ("male" or "female"))
        {
            errors["sex"] = ["format"];
        }
        if (attributes.TryGetValue("dateOfBirth", out var dob) && PartialDate.Parse(dob, out _) is null)
        {
            errors["dateOfBirth"] = ["format"];
        }
        if (errors.Count > 0)
        {
            return ExchangeErrors.Fields(errors);
        }
        var person = await persons.FindByNumberAsync(request.PersonalIdNumber, cancellationToken);
        var entitlement = await GrantCheck.ForAsync(db, callers.Directory, caller.Member.Id, Datasets.Verification, caller.Purpose, person?.CitizenId, cancellationToken);
        var outside = attributes.Keys.Where(a => !entitlement.Fields.Contains(a)).ToList();
        if (!entitlement.Any || outside.Count > 0)
        {
            var error = !entitlement.Any ? (entitlement.NeedsConsent ? ExchangeErrors.ConsentRequired : ExchangeErrors.NoGrant) : ExchangeErrors.FieldsOutsideGrant;
            recorder.Record(caller.Member, person?.CitizenId, AccessRecorder.Refused, "exchange.verification.refused", caller.Purpose, caller.CaseReference,
                outside.Count > 0 ? outside : attributes.Keys, "-", http.TraceIdentifier, error.Code);
            await db.SaveChangesAsync(cancellationToken);
            return ExchangeErrors.Problem(error, outside.Count > 0 ? new Dictionary<string, object?> { ["fields"] = outside } : null);
        }
        var matches = attributes.ToDictionary(a => a.Key, a => person is not null && Matches(person, a.Key, a.Value), StringComparer.Ordinal);
        if (!recorder.Skipping)
        {
            await recorder.RecordReadAsync(caller.Member, person?.CitizenId, AccessRecorder.Verification, "exchange.person.verified", caller.Purpose,
                caller.CaseReference, attributes.Keys, entitlement.LegalBasis, http.TraceIdentifier);
        }
        return TypedResults.Ok(new VerificationResult(request.PersonalIdNumber!.Trim(), person is not null, matches));
    }

    private static bool Matches(PersonRecord p, string attribute, string value) => attribute switch
    {
        "fullName" => CitizenDirectory.SameName(value, p.FullName),
        "dateOfBirth" => PartialDate.Parse(value, out _) is { } date && date == p.DateOfBirth,
        "sex" => string.Equals(p.Sex.ToString(), value, StringComparison.OrdinalIgnoreCase),
        "idCardNumber" => p.IdCardNumber is not null && p.IdCardNumber == value,
        _ => false,
    };
}
