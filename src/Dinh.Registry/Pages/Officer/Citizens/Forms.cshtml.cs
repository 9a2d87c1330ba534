using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dinh.Registry.Pages.Officer.Citizens;

/// <summary>What the write forms share: sign-in, the purpose carried from the record, running the use case.</summary>
internal abstract class WriteFormModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : OfficerPageModel
{
    protected RegistryDbContext Db => db;
    protected RegistryAccess Access => access;
    protected TimeProvider Clock => clock;

    [BindProperty(SupportsGet = true)]
    public string? Purpose { get; set; }

    public Guid Id { get; protected set; }

    public CitizenView? Citizen { get; private set; }

    /// <summary>The record the form changes, read without a second audit record (the form's purpose is the record's).</summary>
    protected async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        Id = id;
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        var (citizen, problem) = await access.CitizenForAsync(HttpContext, Officer!, OfficerTask.Read, id, Purpose ?? "", cancellationToken);
        if (problem is not null)
        {
            return Show(problem);
        }
        Citizen = await GetCitizen.ViewAsync(db, access, citizen!, cancellationToken);
        return null;
    }

    protected IActionResult Outcome(IResult result, Guid? id = null) => result switch
    {
        Ok<CitizenView> ok => Redirect(RecordPath(ok.Value!.Id, Purpose ?? "")),
        Created<CitizenView> created => Redirect(RecordPath(created.Value!.Id, Purpose ?? "")),
        _ => Show(result),
    };

    protected int? FormVersion => int.TryParse(Value("version"), out var v) ? v : null;

    protected static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

internal sealed class BirthModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public IActionResult OnGet() => SignInFirst() ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (SignInFirst() is { } signIn)
        {
            return signIn;
        }
        Purpose = Value("purpose");
        var request = new RegisterBirthRequest(Value("fullName"), Value("dateOfBirth"), Value("sex"), Value("registrationUnitCode"), Purpose,
            Value("legalBasis"), Value("birthplace"), Value("hometown"), Value("ethnicityCode"), null, Value("nationality"),
            Guid.TryParse(Value("fatherId"), out var father) ? father : null, Guid.TryParse(Value("motherId"), out var mother) ? mother : null,
            Guid.TryParse(Value("householdId"), out var household) ? household : null, Value("relationToHead"));
        return Outcome((await RegisterBirth.HandleAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

internal sealed class DeathModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var request = new RegisterDeathRequest(id, FormVersion, Value("dateOfDeath"), Purpose, Value("legalBasis"), null,
            Guid.TryParse(Value("newHeadId"), out var head) ? head : null);
        return Outcome((await RegisterDeath.HandleAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

internal sealed class ResidenceModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var request = new ChangeResidenceRequest(FormVersion, Value("kind"), Value("unitCode"), Value("addressLine"), Value("validFrom"), Purpose,
            Value("legalBasis"), NullIfEmpty(Value("validUntil")), Guid.TryParse(Value("householdId"), out var household) ? household : null,
            NullIfEmpty(Value("relationToHead")), Guid.TryParse(Value("newHeadId"), out var head) ? head : null);
        return Outcome((await ChangeResidence.HandleAsync(id, request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

internal sealed class CorrectModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        // Empty fields mean "leave as is".
        string? Changed(string name) => string.IsNullOrWhiteSpace(Value(name)) ? null : Value(name);
        var request = new CorrectCitizenRequest(FormVersion, Purpose, Value("legalBasis"), Changed("fullName"), Changed("dateOfBirth"), Changed("sex"),
            Changed("birthplace"), Changed("hometown"), Changed("ethnicityCode"), Changed("religion"), Changed("nationality"));
        return Outcome((await CorrectCitizen.HandleAsync(id, request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

/// <summary>Marriage: the officer types the other spouse's personal ID number (a cancelled number resolves to the current record).</summary>
internal sealed class MarriageModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock, CitizenDirectory directory)
    : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var spouse = await directory.FindByNumberAsync(Value("spouseNumber"), cancellationToken);
        var request = new RegisterMarriageRequest(id, FormVersion, spouse?.Id ?? Guid.Empty, Value("occurredOn"), Purpose, Value("legalBasis"),
            NullIfEmpty(Value("registrationUnitCode")));
        var result = (await RegisterMarriage.HandleAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result;
        if (result is ValidationProblem problem && problem.ProblemDetails.Errors.Remove("spouseId", out var messages))
        {
            problem.ProblemDetails.Errors["spouseNumber"] = messages;
        }
        return Outcome(result);
    }
}

internal sealed class DivorceModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var request = new RegisterDivorceRequest(id, FormVersion, Value("occurredOn"), Purpose, Value("legalBasis"), NullIfEmpty(Value("registrationUnitCode")));
        return Outcome((await RegisterDivorce.HandleAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

internal sealed class NameChangeModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var request = new RegisterNameChangeRequest(id, FormVersion, Value("fullName"), Value("occurredOn"), Purpose, Value("legalBasis"),
            NullIfEmpty(Value("registrationUnitCode")));
        return Outcome((await RegisterNameChange.HandleAsync(request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

internal sealed class DeregistrationModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        var request = new DeregisterRequest(FormVersion, Value("on"), Value("reason"), Purpose, Value("legalBasis"),
            Guid.TryParse(Value("newHeadId"), out var head) ? head : null);
        return Outcome((await Deregister.HandleAsync(id, request, HttpContext, Db, Access, Clock, cancellationToken)).Result);
    }
}

/// <summary>
/// Household separation from a member's record: tick the members who leave, pick the new household's head among them
/// and give each other leaver's relation to that head. The household's version comes from the record as shown.
/// </summary>
internal sealed class SeparationModel(RegistryDbContext db, RegistryAccess access, TimeProvider clock) : WriteFormModel(db, access, clock)
{
    public IReadOnlyList<HouseholdMemberView> Members => Citizen?.Household?.Members.Where(m => !m.IsHead).ToList() ?? [];

    public bool Leaves(Guid memberId) => Request.HasFormContentType ? Request.Form["members"].Contains(memberId.ToString()) : memberId == Id;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } stop)
        {
            return stop;
        }
        if (Citizen!.Household is not { } household)
        {
            return Show(CivilStatusEvents.Refused("Người này không thuộc hộ gia đình nào.", "This person belongs to no household."));
        }
        Guid? newHead = Guid.TryParse(Value("newHeadId"), out var head) ? head : null;
        var members = Request.Form["members"].Select(v => Guid.TryParse(v, out var member) ? member : Guid.Empty)
            .Select(member => new SeparatingMember(member, member == newHead ? "Chủ hộ" : Value($"relation-{member}")))
            .ToList();
        var request = new SeparateHouseholdRequest(int.TryParse(Value("householdVersion"), out var v) ? v : null, members, newHead, Value("on"),
            Purpose, Value("legalBasis"), NullIfEmpty(Value("addressLine")));
        var result = (await SeparateHousehold.HandleAsync(household.Id, request, HttpContext, Db, Access, Clock, cancellationToken)).Result;
        if (result is Created<HouseholdView>)
        {
            return Redirect(RecordPath(id, Purpose ?? ""));
        }
        if (result is ValidationProblem problem)
        {
            // The API names leavers by position (members[2].relationToHead); the form names them by record.
            for (var i = 0; i < members.Count; i++)
            {
                foreach (var key in problem.ProblemDetails.Errors.Keys.Where(k => k.StartsWith($"members[{i}].", StringComparison.Ordinal)).ToList())
                {
                    problem.ProblemDetails.Errors.Remove(key, out var messages);
                    problem.ProblemDetails.Errors[$"relation-{members[i].CitizenId}"] = messages!;
                }
            }
        }
        return Show(result);
    }
}
