using Dinh.Registry.Citizens;
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
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
