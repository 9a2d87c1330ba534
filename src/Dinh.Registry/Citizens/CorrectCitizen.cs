using System.Text.Json;
using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

/// <summary>
/// A data correction (điều chỉnh thông tin): only the fields sent change. Correcting the sex or the birth year makes
/// the personal ID number inconsistent, so a new one is assigned and the old one cancelled (Circular 59/2021 Art. 6).
/// </summary>
public sealed record CorrectCitizenRequest(int? Version, string? Purpose, string? LegalBasis, string? FullName = null, string? DateOfBirth = null,
    string? Sex = null, string? Birthplace = null, string? Hometown = null, string? EthnicityCode = null, string? Religion = null,
    string? Nationality = null, string? IdCardNumber = null, string? IdCardIssuedOn = null, string? IdCardExpiresOn = null);

internal static class CorrectCitizen
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/citizens/{id:guid}/corrections", HandleAsync).WithName("CorrectCitizen")
            .WithSummary("Correct a citizen's data; send the version read (If-Match or version): a stale version is a 409 and nothing is written.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(Guid id, CorrectCitizenRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var today = access.Today;
        var name = request.FullName is null ? null : errors.Name("fullName", request.FullName);
        var dateOfBirth = request.DateOfBirth is null ? null : errors.PartialDate("dateOfBirth", request.DateOfBirth, today);
        var sex = request.Sex is null ? null : errors.Sex("sex", request.Sex);
        var birthplace = errors.Text("birthplace", request.Birthplace);
        var hometown = errors.Text("hometown", request.Hometown);
        var religion = errors.Text("religion", request.Religion);
        var ethnicity = errors.Ethnicity("ethnicityCode", request.EthnicityCode);
        var nationality = errors.Nationality("nationality", request.Nationality);
        var cardIssued = errors.Date("idCardIssuedOn", request.IdCardIssuedOn, today, required: false);
        var cardExpires = errors.Date("idCardExpiresOn", request.IdCardExpiresOn, today, required: false, allowFuture: true);
        if (request.IdCardNumber is { } card && !PersonalIdNumber.TryParse(card, out _))
        {
            errors.Add("idCardNumber", "format");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var (citizen, problem) = await access.CitizenForAsync(http, officer, OfficerTask.Correction, id, purpose, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (!CitizenHistory.IsCurrent(db, citizen!, version))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        await db.IdNumbers.Where(n => n.CitizenId == id).LoadAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var before = CitizenHistory.Snapshot(citizen!);
        if (name is not null)
        {
            citizen!.SetName(name);
        }
        if (dateOfBirth is { } dob)
        {
            citizen!.SetDateOfBirth(dob);
        }
        if (sex is { } s)
        {
            citizen!.SetSex(s);
        }
        if (birthplace is not null || hometown is not null || religion is not null || nationality is not null)
        {
            citizen!.SetOrigins(birthplace ?? citizen.Birthplace, hometown ?? citizen.Hometown, religion ?? citizen.Religion, nationality ?? citizen.Nationality);
        }
        if (ethnicity is not null)
        {
            citizen!.SetEthnicity(ethnicity);
        }
        if (request.IdCardNumber is not null || cardIssued is not null || cardExpires is not null)
        {
            citizen!.SetIdCard(request.IdCardNumber?.Trim() ?? citizen.IdCardNumber, cardIssued ?? citizen.IdCardIssuedOn, cardExpires ?? citizen.IdCardExpiresOn);
        }
        if (PersonalIdNumber.Problem(citizen!.PersonalIdNumber, citizen.Sex, citizen.BirthYear) is not null)
        {
            var number = await IdNumberAssignment.NewAsync(db, citizen.BirthRegistrationProvince, citizen.Sex, citizen.BirthYear, cancellationToken);
            if (number is null)
            {
                return CitizenErrors.Problem(CitizenErrors.NumberUnavailable);
            }
            IdNumberAssignment.Reassign(db, citizen, number.Value, "correction of sex or birth year", now);
        }
        db.Events.Add(new CivilStatusEvent
        {
            Id = Guid.CreateVersion7(now),
            Kind = CivilStatusEventKind.DataCorrection,
            CitizenId = id,
            OccurredOn = today,
            RegisteredAt = now,
            RegistrationUnitCode = officer.Jurisdiction.UnitCode ?? "",
            RegisteredBy = officer.Actor,
            LegalBasis = legalBasis,
            Details = JsonSerializer.Serialize(new { fields = before.Where(f => CitizenHistory.Snapshot(citizen)[f.Key] != f.Value).Select(f => f.Key) }),
        });
        CitizenHistory.Record(db, http, citizen, officer, "registry.citizen.corrected", legalBasis, purpose, before, now);
        if (!await CitizenHistory.SaveUnlessStaleAsync(db, cancellationToken))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        http.Response.Headers.ETag = RegistryRequest.ETag(citizen.Version);
        return TypedResults.Ok(await GetCitizen.ViewAsync(db, access, citizen, cancellationToken));
    }
}
