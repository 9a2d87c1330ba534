using System.Data.Common;
using System.Globalization;
using Dinh.Platform;
using Dinh.Registry.Contracts;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Microsoft.AspNetCore.Http;

namespace Dinh.Services.Processing;

/// <summary>
/// What approving a dossier does outside the portal: the registry change (through the registry's write contract, in
/// the approval's transaction) or the result document an agency issues. Returns the result fields (the child's new ID
/// number, the card number …) or the registry's refusal.
/// </summary>
internal sealed class RegistryEffects(CivilRegistration registry, CitizenDirectory citizens, DataSubjectRequests.DataSubjectAnswers answers, TimeProvider clock)
{
    public async Task<(Dictionary<string, string>? Result, string? RegistryCode, string? Field)> ApplyAsync(Dossier dossier, ProcedureSpec spec,
        DbTransaction transaction, HttpContext http, OfficerPrincipal officer, CancellationToken cancellationToken)
    {
        var fields = dossier.Fields;
        var basis = $"{spec.LegalBasis}; hồ sơ {dossier.ReceiptCode}";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (spec.ResultDocument is { } document)
        {
            result["document"] = document;
        }
        switch (spec.Effect)
        {
            case null:
                result["number"] = $"{dossier.ReceiptCode}-KQ";
                return (result, null, null);
            case "birth":
            {
                var father = fields.TryGetValue("fatherPersonalIdNumber", out var fatherNumber)
                    ? await citizens.FindByNumberAsync(fatherNumber, cancellationToken) : null;
                var write = await registry.RegisterBirthAsync(transaction, http, officer, new BirthRegistration(
                    fields["childFullName"], DateOnly.ParseExact(fields["childDateOfBirth"], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    fields["childSex"] == "female" ? Sex.Female : Sex.Male, fields["registrationUnitCode"], fields.GetValueOrDefault("birthplace"),
                    father?.Id, dossier.ApplicantCitizenId, dossier.ReceiptCode, basis), cancellationToken);
                if (!write.Succeeded)
                {
                    return (null, write.ErrorCode, write.Field);
                }
                result["childCitizenId"] = write.CitizenId!.Value.ToString();
                result["childPersonalIdNumber"] = write.PersonalIdNumber!;
                result["number"] = $"KS-{dossier.ReceiptCode}";
                return (result, null, null);
            }
            case "permanent-residence":
            {
                Guid? citizenId = fields.TryGetValue("childCitizenId", out var child) ? Guid.Parse(child) : dossier.ApplicantCitizenId;
                Guid? householdId = fields.TryGetValue("householdId", out var household) && dossier.BundleId is not null ? Guid.Parse(household) : null;
                if (householdId is null && fields.TryGetValue("householdHeadPersonalIdNumber", out var headNumber)
                    && await citizens.FindByNumberAsync(headNumber, cancellationToken) is { } head)
                {
                    householdId = (await registry.PermanentHouseholdOfAsync(head.Id, cancellationToken))?.HouseholdId;
                }
                if (householdId is null)
                {
                    return (null, "DINH-REG-0005", "householdId");
                }
                var write = await registry.RegisterPermanentResidenceAsync(transaction, http, officer, new PermanentResidenceRegistration(
                    citizenId.Value, householdId.Value, fields.GetValueOrDefault("relationToHead") ?? "Con", dossier.ReceiptCode, basis), cancellationToken);
                if (!write.Succeeded)
                {
                    return (null, write.ErrorCode, write.Field);
                }
                result["citizenId"] = write.CitizenId!.Value.ToString();
                result["householdId"] = householdId.Value.ToString();
                result["number"] = $"TT-{dossier.ReceiptCode}";
                return (result, null, null);
            }
            case "death":
            {
                var deceased = await citizens.FindByNumberAsync(fields.GetValueOrDefault("deceasedPersonalIdNumber"), cancellationToken);
                if (deceased is null)
                {
                    return (null, "DINH-REG-0002", "deceasedPersonalIdNumber");
                }
                var write = await registry.RegisterDeathAsync(transaction, http, officer, new DeathRegistration(deceased.Id,
                    DateOnly.ParseExact(fields["dateOfDeath"], "yyyy-MM-dd", CultureInfo.InvariantCulture), fields[spec.UnitField],
                    dossier.ReceiptCode, basis), cancellationToken);
                if (!write.Succeeded)
                {
                    return (null, write.ErrorCode, write.Field);
                }
                result["deceasedCitizenId"] = write.CitizenId!.Value.ToString();
                result["number"] = $"KT-{dossier.ReceiptCode}";
                return (result, null, null);
            }
            case "marriage":
            {
                var spouse = await citizens.FindByNumberAsync(fields.GetValueOrDefault("spousePersonalIdNumber"), cancellationToken);
                if (spouse is null)
                {
                    return (null, "DINH-REG-0002", "spousePersonalIdNumber");
                }
                var write = await registry.RegisterMarriageAsync(transaction, http, officer, new MarriageRegistration(dossier.ApplicantCitizenId, spouse.Id,
                    VietnamTime.Today(clock), fields[spec.UnitField], dossier.ReceiptCode, basis), cancellationToken);
                if (!write.Succeeded)
                {
                    return (null, write.ErrorCode, write.Field);
                }
                result["spouseCitizenId"] = spouse.Id.ToString();
                result["number"] = $"KH-{dossier.ReceiptCode}";
                return (result, null, null);
            }
            case "residence-deregistration":
            {
                // The death bundle's step carries the declaration's fields: its subject is the deceased.
                var subject = await citizens.FindByNumberAsync(fields.GetValueOrDefault("subjectPersonalIdNumber")
                    ?? fields.GetValueOrDefault("deceasedPersonalIdNumber"), cancellationToken);
                if (subject is null)
                {
                    return (null, "DINH-REG-0002", "subjectPersonalIdNumber");
                }
                // In the death bundle the death registration (the step this one depends on) already ended every
                // residence: the step confirms it with its result document and writes nothing twice.
                if (!(subject.Deceased && dossier.BundleId is not null))
                {
                    var write = await registry.DeregisterPermanentResidenceAsync(transaction, http, officer, new ResidenceDeregistration(subject.Id,
                        fields.GetValueOrDefault("reason") ?? "", dossier.ReceiptCode, basis), cancellationToken);
                    if (!write.Succeeded)
                    {
                        return (null, write.ErrorCode, write.Field);
                    }
                }
                result["citizenId"] = subject.Id.ToString();
                result["number"] = $"XTT-{dossier.ReceiptCode}";
                return (result, null, null);
            }
            case "health-insurance-card":
            {
                // Social insurance's own decision: the card code of a child under 6 is TE1 + province + the last 10
                // digits of the personal ID number (the social-insurance number is the ID number since 2025), valid
                // until the day before the sixth birthday.
                var number = fields.GetValueOrDefault("childPersonalIdNumber") ?? "";
                var identity = await citizens.FindByNumberAsync(number, cancellationToken);
                if (identity is null)
                {
                    return (null, "DINH-REG-0002", "childPersonalIdNumber");
                }
                var born = identity.DateOfBirth.Earliest;
                result["cardNumber"] = $"TE1{number[1..3]}{number[^10..]}";
                result["validFrom"] = VietnamTime.Today(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                result["validUntil"] = born.AddYears(6).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                result["number"] = result["cardNumber"];
                return (result, null, null);
            }
            case DataSubjectRequests.DataSubjectAnswers.Effect:
                return await answers.ApplyAsync(dossier, spec, transaction, http, officer, result, cancellationToken);
            default:
                throw new InvalidOperationException($"Unknown effect '{spec.Effect}'.");
        }
    }
}
