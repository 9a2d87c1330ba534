using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Guardians;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dinh.Registry.Pages.Officer.Citizens;

/// <summary>
/// Registering a guardian for the ward whose record is open (Law on Civil Status 2014 Art. 20): the officer types the
/// guardian's personal ID number; the rules are the API's (<see cref="RegisterGuardianship"/>).
/// </summary>
internal sealed class GuardianshipModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock, CitizenDirectory directory)
    : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var guardian = await GuardianIdAsync(directory, Value("guardianNumber"), cancellationToken);
        var request = new RegisterGuardianshipRequest(id, FormVersion, guardian, Value("startsOn"), NullIfEmpty(Value("endsOn")), Purpose,
            Value("legalBasis"), NullIfEmpty(Value("registrationUnitCode")));
        return Outcome(GuardianField((await RegisterGuardianship.RegisterAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result));
    }

    /// <summary>Empty: no guardian (the field is required); a number that resolves to nobody: an id that is nobody's.</summary>
    internal static async Task<Guid?> GuardianIdAsync(CitizenDirectory directory, string? number, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(number) ? null : (await directory.FindByNumberAsync(number, cancellationToken))?.Id ?? Guid.Empty;

    /// <summary>The handler names the guardian's record id; the form has the guardian's number.</summary>
    internal static IResult GuardianField(IResult result)
    {
        if (result is ValidationProblem problem && problem.ProblemDetails.Errors.Remove("guardianId", out var messages))
        {
            problem.ProblemDetails.Errors["guardianNumber"] = messages;
        }
        return result;
    }
}

/// <summary>Registering the end of a guardianship (Law on Civil Status 2014 Art. 22); the identity module then unlinks the ward's e-ID account.</summary>
internal sealed class GuardianshipEndModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock, CitizenDirectory directory)
    : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var guardian = await GuardianshipModel.GuardianIdAsync(directory, Value("guardianNumber"), cancellationToken);
        var request = new EndGuardianshipRequest(id, FormVersion, guardian, Value("endedOn"), Purpose, Value("legalBasis"));
        return Outcome(GuardianshipModel.GuardianField((await RegisterGuardianship.EndAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result));
    }
}

/// <summary>Cancelling a death registered in error; the e-ID account's automatic lock is lifted (see <see cref="CancelDeath"/>).</summary>
internal sealed class DeathCancelModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var request = new CancelDeathRequest(id, FormVersion, Purpose, Value("legalBasis"));
        return Outcome((await CancelDeath.HandleAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}
