using System.Text.Json;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Households;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Events;

/// <summary>
/// Birth registration (đăng ký khai sinh), with the interconnected permanent residence of Decree 63/2024 group 1: the
/// child gets a new personal ID number from the province of the registering commune, and joins a parent's household.
/// </summary>
public sealed record RegisterBirthRequest(string? FullName, string? DateOfBirth, string? Sex, string? RegistrationUnitCode, string? Purpose,
    string? LegalBasis, string? Birthplace = null, string? Hometown = null, string? EthnicityCode = null, string? Religion = null,
    string? Nationality = null, Guid? FatherId = null, Guid? MotherId = null, Guid? HouseholdId = null, string? RelationToHead = null);

internal static class RegisterBirth
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/births", HandleAsync).WithName("RegisterBirth")
            .WithSummary("Register a birth: creates the citizen and assigns a new, unique personal ID number.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
    }

    public static async Task<Results<Created<CitizenView>, ValidationProblem, ProblemHttpResult>> HandleAsync(RegisterBirthRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var today = access.Today;
        var errors = new FieldErrors();
        var (_, purpose, legalBasis) = RegistryRequest.Common(errors, http, null, request.Purpose, request.LegalBasis, needsVersion: false);
        var name = errors.Name("fullName", request.FullName);
        var born = errors.Date("dateOfBirth", request.DateOfBirth, today);
        var sex = errors.Sex("sex", request.Sex);
        var birthplace = errors.Text("birthplace", request.Birthplace);
        var hometown = errors.Text("hometown", request.Hometown);
        var religion = errors.Text("religion", request.Religion);
        var ethnicity = errors.Ethnicity("ethnicityCode", request.EthnicityCode) ?? "01";
        var nationality = errors.Nationality("nationality", request.Nationality) ?? "VN";
        var relation = errors.Text("relationToHead", request.RelationToHead) ?? "Con";
        var unit = errors.Required("registrationUnitCode", request.RegistrationUnitCode);
        string? prefix = null;
        if (unit is not null)
        {
            prefix = await PrefixAsync(db, unit, today, cancellationToken);
            if (prefix is null)
            {
                errors.Add("registrationUnitCode", "unknown-unit");
            }
        }
        foreach (var (field, parentId) in new[] { ("fatherId", request.FatherId), ("motherId", request.MotherId) })
        {
            if (parentId is { } pid && !await db.Citizens.AnyAsync(c => c.Id == pid, cancellationToken))
            {
                errors.Add(field, "not-found");
            }
        }
        Household? household = null;
        if (request.HouseholdId is { } hid)
        {
            household = await db.Households.FirstOrDefaultAsync(h => h.Id == hid && h.DissolvedOn == null, cancellationToken);
            if (household is null)
            {
                errors.Add("householdId", "not-found");
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (await access.RefuseAsync(http, officer, OfficerTask.CivilStatus, unit, "citizen:new", purpose, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var facts = new BirthFacts(name!, born!.Value, sex!.Value, unit!, prefix!, birthplace, hometown, religion, ethnicity, nationality,
            request.FatherId, request.MotherId, household, relation);
        var citizen = await RecordAsync(db, http, officer, facts, purpose, legalBasis, today, clock.GetUtcNow(), cancellationToken);
        if (citizen is null)
        {
            return CitizenErrors.Problem(CitizenErrors.NumberUnavailable);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent registration drew the same number between the check and the commit (one in a million per
            // province, sex and year): nothing was written, and the retry draws again.
            if (await db.IdNumbers.AsNoTracking().AnyAsync(n => n.Number == citizen.PersonalIdNumber, cancellationToken))
            {
                return CitizenErrors.Problem(CitizenErrors.NumberUnavailable);
            }
            throw;
        }
        http.Response.Headers.ETag = RegistryRequest.ETag(citizen.Version);
        return TypedResults.Created($"/api/registry/citizens/{citizen.Id}", await GetCitizen.ViewAsync(db, access, citizen, cancellationToken));
    }

    /// <summary>
    /// The registration itself, shared by this endpoint and the registry's write contract (<see cref="Contracts.CivilRegistration"/>):
    /// assigns the number, creates the citizen and the event, joins the household and records the history. The caller
    /// has validated and authorised; null when no number could be drawn. Nothing is saved here.
    /// </summary>
    internal static async Task<Citizen?> RecordAsync(RegistryDbContext db, HttpContext http, SignedInOfficer officer, BirthFacts facts,
        string purpose, string legalBasis, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var number = await IdNumberAssignment.NewAsync(db, facts.Prefix, facts.Sex, facts.Born.Year, cancellationToken);
        if (number is null)
        {
            return null;
        }
        var citizen = Citizen.Create(Guid.CreateVersion7(now), number.Value, facts.FullName, PartialDate.From(facts.Born), facts.Sex, facts.Ethnicity, now);
        citizen.SetOrigins(facts.Birthplace, facts.Hometown, facts.Religion, facts.Nationality);
        citizen.SetParents(facts.FatherId, facts.MotherId);
        db.Citizens.Add(citizen);
        db.IdNumbers.Add(new CitizenIdNumber { CitizenId = citizen.Id, Number = number.Value.Value, AssignedAt = now });
        db.Events.Add(new CivilStatusEvent
        {
            Id = Guid.CreateVersion7(now),
            Kind = CivilStatusEventKind.Birth,
            CitizenId = citizen.Id,
            OccurredOn = facts.Born,
            RegisteredAt = now,
            RegistrationUnitCode = facts.UnitCode,
            RegisteredBy = officer.Actor,
            LegalBasis = legalBasis,
            Details = JsonSerializer.Serialize(new { facts.FatherId, facts.MotherId, HouseholdId = facts.Household?.Id }),
        });
        Dictionary<string, string?>? residence = null;
        if (facts.Household is { } household)
        {
            HouseholdMembership.Join(db, household, citizen.Id, facts.RelationToHead, today);
            var permanent = new Residence
            {
                Id = Guid.CreateVersion7(now), CitizenId = citizen.Id, Kind = ResidenceKind.Permanent, HouseholdId = household.Id,
                UnitCode = household.UnitCode, AddressLine = household.AddressLine, ValidFrom = today,
            };
            db.Residences.Add(permanent);
            residence = new(StringComparer.Ordinal) { [HouseholdMembership.Field(ResidenceKind.Permanent)] = HouseholdMembership.Describe(permanent) };
        }
        CitizenHistory.Record(db, http, citizen, officer, "registry.birth.registered", legalBasis, purpose, before: null, now, extraAfter: residence);
        return citizen;
    }

    /// <summary>The personal ID number prefix of the province of a current commune; null when it is not one.</summary>
    internal static async Task<string?> PrefixAsync(RegistryDbContext db, string unit, DateOnly today, CancellationToken cancellationToken)
    {
        var province = await db.Units.AsNoTracking()
            .Where(u => u.Code == unit && u.Level == UnitLevel.Commune && u.ValidFrom <= today && (u.ValidTo == null || today <= u.ValidTo))
            .Select(u => u.ParentCode).FirstOrDefaultAsync(cancellationToken);
        var prefix = province is null ? null : "0" + province;
        return prefix is not null && BirthRegistrationProvinces.ByPrefix.ContainsKey(prefix) ? prefix : null;
    }
}

internal sealed record BirthFacts(string FullName, DateOnly Born, Sex Sex, string UnitCode, string Prefix, string? Birthplace, string? Hometown,
    string? Religion, string Ethnicity, string Nationality, Guid? FatherId, Guid? MotherId, Household? Household, string RelationToHead);
