using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Guardians;

/// <summary>Registering a guardian for a ward (Law on Civil Status 2014 Art. 20): the ward's version, the guardian, the dates, the legal basis.</summary>
public sealed record RegisterGuardianshipRequest(Guid WardId, int? Version, Guid? GuardianId, string? StartsOn, string? EndsOn, string? Purpose,
    string? LegalBasis, string? RegistrationUnitCode = null);

/// <summary>Registering the end of a guardianship (Law on Civil Status 2014 Art. 22): the guardian stops acting from <c>EndedOn</c>.</summary>
public sealed record EndGuardianshipRequest(Guid WardId, int? Version, Guid? GuardianId, string? EndedOn, string? Purpose, string? LegalBasis);

/// <summary>
/// Guardianships by the civil-status officer of the ward's commune. Each is a change of the ward's record (versioned,
/// in the ward's history and the audit trail with purpose and legal basis) and a civil-status event; the identity
/// module reads them through <c>Registry.Contracts.Guardianships</c> to let a guardian register the ward's e-ID account.
/// </summary>
internal static class RegisterGuardianship
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/events/guardianships", RegisterAsync).WithName("RegisterGuardianship")
            .WithSummary("Register a guardian (not a parent) for a ward, with the legal basis and the dates it is effective.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/events/guardianships/end", EndAsync).WithName("EndGuardianship")
            .WithSummary("Register the end of a guardianship.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> RegisterAsync(RegisterGuardianshipRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var startsOn = errors.Date("startsOn", request.StartsOn, access.Today, allowFuture: true);
        var endsOn = errors.Date("endsOn", request.EndsOn, access.Today, required: false, allowFuture: true);
        if (startsOn is { } from && endsOn is { } to && to < from)
        {
            errors.Add("endsOn", "before-start");
        }
        var guardian = request.GuardianId is { } guardianId ? await db.Citizens.AsNoTracking().FirstOrDefaultAsync(c => c.Id == guardianId, cancellationToken) : null;
        if (request.GuardianId is null)
        {
            errors.Add("guardianId", "required");
        }
        else if (guardian is null)
        {
            errors.Add("guardianId", "not-found");
        }
        else if (guardian.Id == request.WardId)
        {
            errors.Add("guardianId", "same-person");
        }
        else if (guardian.Status == CitizenStatus.Deceased)
        {
            errors.Add("guardianId", "deceased");
        }
        else if (AgeOn(guardian, access.Today) < 18)
        {
            // Civil Code 2015 Art. 49: a guardian has full civil-act capacity.
            errors.Add("guardianId", "minor");
        }
        var unit = await CivilStatusEvents.UnitAsync(errors, access, request.RegistrationUnitCode, officer, request.WardId, cancellationToken);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (ward, problem) = await access.CitizenForAsync(http, officer, OfficerTask.CivilStatus, request.WardId, purpose, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (CivilStatusEvents.Stale(db, ward!, version) is { } stale)
        {
            return stale;
        }
        if (ward!.Status == CitizenStatus.Deceased)
        {
            return CivilStatusEvents.Refused("Người được giám hộ đã được đăng ký khai tử.", "The ward's death is registered.");
        }
        if (ward.FatherId == guardian!.Id || ward.MotherId == guardian.Id)
        {
            return CivilStatusEvents.Refused("Cha, mẹ không đăng ký giám hộ cho con.", "A parent is not registered as the child's guardian.");
        }
        if (await db.Guardianships.AnyAsync(g => g.WardId == ward.Id && g.GuardianId == guardian.Id && (g.EndsOn == null || g.EndsOn >= startsOn!.Value),
                cancellationToken))
        {
            return CivilStatusEvents.Refused("Người này đã là người giám hộ trong thời gian đó.", "This guardian is already registered for that time.");
        }
        var now = clock.GetUtcNow();
        var guardianship = new Guardianship
        {
            Id = Guid.CreateVersion7(now), WardId = ward.Id, GuardianId = guardian.Id, StartsOn = startsOn!.Value, LegalBasis = legalBasis,
            RegistrationUnitCode = unit!, RegisteredBy = officer.Actor, RegisteredAt = now,
        };
        if (endsOn is { } last)
        {
            guardianship.End(last.AddDays(1), officer.Actor, legalBasis);
        }
        db.Guardianships.Add(guardianship);
        var before = CitizenHistory.Snapshot(ward);
        CivilStatusEvents.Add(db, CivilStatusEventKind.Guardianship, ward, guardian.Id, guardianship.StartsOn, unit!, officer, legalBasis, now);
        CitizenHistory.Record(db, http, ward, officer, "registry.guardianship.registered", legalBasis, purpose, before, now,
            extraAfter: new(StringComparer.Ordinal) { ["guardianship"] = Describe(guardianship) });
        return await CivilStatusEvents.SaveAsync(db, access, http, ward, cancellationToken);
    }

    public static async Task<Results<Ok<CitizenView>, ValidationProblem, ProblemHttpResult>> EndAsync(EndGuardianshipRequest request,
        HttpContext http, RegistryDbContext db, RegistryAccess access, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (SignedInOfficer.From(http.User) is not { } officer)
        {
            return CitizenErrors.Problem(CitizenErrors.SignInRequired);
        }
        var errors = new FieldErrors();
        var (version, purpose, legalBasis) = RegistryRequest.Common(errors, http, request.Version, request.Purpose, request.LegalBasis);
        var endedOn = errors.Date("endedOn", request.EndedOn, access.Today);
        if (request.GuardianId is null)
        {
            errors.Add("guardianId", "required");
        }
        // The unit the end is registered at, resolved before anything changes: a failure is a field error, never an
        // event written without its unit.
        var unit = await CivilStatusEvents.UnitAsync(errors, access, null, officer, request.WardId, cancellationToken);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (ward, problem) = await access.CitizenForAsync(http, officer, OfficerTask.CivilStatus, request.WardId, purpose, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (CivilStatusEvents.Stale(db, ward!, version) is { } stale)
        {
            return stale;
        }
        var guardianship = await db.Guardianships
            .Where(g => g.WardId == ward!.Id && g.GuardianId == request.GuardianId && (g.EndsOn == null || g.EndsOn >= endedOn!.Value))
            .OrderByDescending(g => g.StartsOn).FirstOrDefaultAsync(cancellationToken);
        if (guardianship is null || guardianship.StartsOn > endedOn!.Value)
        {
            return CivilStatusEvents.Refused("Không có việc giám hộ đang hiệu lực vào ngày đó.", "No guardianship is in effect on that day.");
        }
        var now = clock.GetUtcNow();
        var before = CitizenHistory.Snapshot(ward!);
        var was = Describe(guardianship);
        guardianship.End(endedOn.Value, officer.Actor, legalBasis);
        CivilStatusEvents.Add(db, CivilStatusEventKind.GuardianshipEnded, ward!, guardianship.GuardianId, endedOn.Value, unit!, officer, legalBasis, now);
        CitizenHistory.Record(db, http, ward!, officer, "registry.guardianship.ended", legalBasis, purpose, before, now,
            extraBefore: new(StringComparer.Ordinal) { ["guardianship"] = was },
            extraAfter: new(StringComparer.Ordinal) { ["guardianship"] = Describe(guardianship) });
        var saved = await CivilStatusEvents.SaveAsync(db, access, http, ward!, cancellationToken);
        if (saved.Result is Ok<CitizenView>)
        {
            // After the commit, as for a death: the identity module unlinks the ward's e-ID account from the former guardian.
            foreach (var observer in http.RequestServices.GetServices<ICitizenLifeEvents>())
            {
                await observer.GuardianshipEndedAsync(ward!.Id, guardianship.GuardianId, legalBasis, CancellationToken.None);
            }
        }
        return saved;
    }

    private static string Describe(Guardianship g) =>
        FormattableString.Invariant($"guardian {g.GuardianId} from {g.StartsOn:yyyy-MM-dd} to {(g.EndsOn is { } e ? e.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "open")}");

    private static int AgeOn(Citizen citizen, DateOnly day)
    {
        var born = citizen.DateOfBirth.Earliest;
        var age = day.Year - born.Year;
        return day < born.AddYears(age) ? age - 1 : age;
    }
}
