using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dinh.Registry.Events;

/// <summary>What the events that change an existing citizen share: the checks, the event row, the version.</summary>
internal static class CivilStatusEvents
{
    public static CivilStatusEvent Add(RegistryDbContext db, CivilStatusEventKind kind, Citizen citizen, Guid? other, DateOnly occurredOn,
        string unitCode, SignedInOfficer officer, string legalBasis, DateTimeOffset now, string? details = null)
    {
        var civilEvent = new CivilStatusEvent
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            CitizenId = citizen.Id,
            OtherCitizenId = other,
            OccurredOn = occurredOn,
            RegisteredAt = now,
            RegistrationUnitCode = unitCode,
            RegisteredBy = officer.Actor,
            LegalBasis = legalBasis,
            Details = details,
        };
        db.Events.Add(civilEvent);
        return civilEvent;
    }

    /// <summary>The unit the event is registered in: the one given (a real commune), else the officer's or the citizen's commune.</summary>
    public static async Task<string?> UnitAsync(FieldErrors errors, RegistryAccess access, string? given, SignedInOfficer officer, Guid citizenId,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            var code = given.Trim();
            if (!await access.IsCommuneAsync(code, cancellationToken))
            {
                errors.Add("registrationUnitCode", "unknown-unit");
                return null;
            }
            return code;
        }
        return officer.Jurisdiction.Level == Officers.JurisdictionLevel.Commune
            ? officer.Jurisdiction.UnitCode
            : await access.HomeCommuneAsync(citizenId, cancellationToken) ?? "";
    }

    public static ProblemHttpResult? Stale(RegistryDbContext db, Citizen citizen, int version) =>
        CitizenHistory.IsCurrent(db, citizen, version) ? null : CitizenErrors.Problem(CitizenErrors.StaleVersion);

    public static ProblemHttpResult Refused(string detailVi, string detailEn) =>
        CitizenErrors.Problem(CitizenErrors.StateRefused, Dinh.Platform.Web.Cultures.IsEnglish ? detailEn : detailVi);

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> SaveAsync(RegistryDbContext db, RegistryAccess access,
        HttpContext http, Citizen citizen, CancellationToken cancellationToken)
    {
        if (!await CitizenHistory.SaveUnlessStaleAsync(db, cancellationToken))
        {
            return CitizenErrors.Problem(CitizenErrors.StaleVersion);
        }
        http.Response.Headers.ETag = RegistryRequest.ETag(citizen.Version);
        return TypedResults.Ok(await GetCitizen.ViewAsync(db, access, citizen, cancellationToken));
    }
}
