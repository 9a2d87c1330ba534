using Dinh.Registry.Citizens;
using Dinh.Registry.Households;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Quality;

/// <summary>
/// What a merge carries from the merged record to the survivor, so that nothing about the person is left on a record
/// nobody looks at any more: the active residences and the household membership (given to the survivor when it has
/// none of its own; the merged record's are ended with the reason "merged", so its history stays readable), the
/// children's parent links and the spouse link. Civil-status events stay where they were registered and show on the
/// survivor's record. When the two records disagree in a way only a steward can settle (married to two different
/// people; heads or members of two different households), the merge is refused before anything changes.
/// </summary>
internal sealed class MergeCarryOver(RegistryDbContext db, Citizen survivor, Citizen merged, DateOnly today)
{
    private Citizen? spouse;
    private HouseholdMember? mergedMembership;
    private HouseholdMember? survivorMembership;
    private Household? household;
    private bool householdHasOthers;

    /// <summary>Carried facts, for the survivor's version record.</summary>
    public Dictionary<string, string?> Carried { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads what the merge touches; returns the reason (Vietnamese, English) it must be refused, or null.</summary>
    public async Task<(string Vi, string En)?> CheckAsync(CancellationToken cancellationToken)
    {
        if (merged.SpouseId is { } spouseId)
        {
            if (spouseId == survivor.Id)
            {
                return ("Hai hồ sơ được ghi là vợ chồng của nhau; hãy xử lý quan hệ hôn nhân trước khi hợp nhất.",
                    "The two records are recorded as married to each other; settle the marriage before merging.");
            }
            if (survivor.SpouseId is { } other && other != spouseId)
            {
                return ("Hai hồ sơ có vợ/chồng khác nhau; hãy xác minh và ghi chú lại quan hệ hôn nhân trước khi hợp nhất.",
                    "The two records are married to different people; verify and record the marriage before merging.");
            }
            if (survivor.SpouseId is null && survivor.Status != CitizenStatus.Living)
            {
                return ("Hồ sơ được giữ lại đã chết còn hồ sơ bị hợp nhất có vợ/chồng; hãy giữ lại hồ sơ kia hoặc ghi chú quan hệ hôn nhân trước.",
                    "The surviving record is deceased and the merged one is married; keep the other record or settle the marriage first.");
            }
            spouse = await db.Citizens.FirstOrDefaultAsync(c => c.Id == spouseId, cancellationToken);
        }
        mergedMembership = await ActiveMembershipAsync(merged.Id, cancellationToken);
        survivorMembership = await ActiveMembershipAsync(survivor.Id, cancellationToken);
        if (mergedMembership is not null)
        {
            household = await db.Households.FirstAsync(h => h.Id == mergedMembership.HouseholdId, cancellationToken);
            householdHasOthers = await db.HouseholdMembers.AnyAsync(
                m => m.HouseholdId == household.Id && m.LeftOn == null && m.CitizenId != merged.Id && m.CitizenId != survivor.Id, cancellationToken);
            if (survivorMembership is not null && survivorMembership.HouseholdId != household.Id && household.HeadId == merged.Id && householdHasOthers)
            {
                return ("Hồ sơ bị hợp nhất là chủ một hộ khác có thành viên; hãy chọn chủ hộ mới cho hộ đó trước khi hợp nhất.",
                    "The merged record heads another household with members; name that household's new head before merging.");
            }
        }
        return null;
    }

    /// <summary>Applies the carry-over to the tracked entities; the caller saves them with the merge, in one transaction.</summary>
    public async Task ApplyAsync(HttpContext http, SignedInOfficer officer, string legalBasis, string purpose, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var reason = $"merged into {survivor.Id}";
        if (spouse is not null && merged.SpouseId == spouse.Id)
        {
            var before = CitizenHistory.Snapshot(spouse);
            merged.Divorce();
            if (spouse.SpouseId == merged.Id)
            {
                spouse.Divorce();
                spouse.Marry(survivor.Id);
            }
            if (survivor.SpouseId is null)
            {
                survivor.Marry(spouse.Id);
            }
            CitizenHistory.Record(db, http, spouse, officer, "registry.citizen.spouse-relinked", legalBasis, purpose, before, now);
            Carried["spouseId"] = spouse.Id.ToString();
        }

        var children = await db.Citizens.Where(c => c.FatherId == merged.Id || c.MotherId == merged.Id).ToListAsync(cancellationToken);
        foreach (var child in children)
        {
            var before = CitizenHistory.Snapshot(child);
            child.SetParents(child.FatherId == merged.Id ? survivor.Id : child.FatherId, child.MotherId == merged.Id ? survivor.Id : child.MotherId);
            CitizenHistory.Record(db, http, child, officer, "registry.citizen.parent-relinked", legalBasis, purpose, before, now);
        }
        if (children.Count > 0)
        {
            Carried["children"] = string.Join(" ", children.Select(c => c.Id));
        }

        var residences = await db.Residences.Where(r => (r.CitizenId == merged.Id || r.CitizenId == survivor.Id) && r.EndedOn == null)
            .ToListAsync(cancellationToken);
        foreach (var residence in residences.Where(r => r.CitizenId == merged.Id).ToList())
        {
            if (!residences.Any(r => r.CitizenId == survivor.Id && r.Kind == residence.Kind && r.IsActiveOn(today)) && residence.IsActiveOn(today))
            {
                db.Residences.Add(new Residence
                {
                    Id = Guid.CreateVersion7(now), CitizenId = survivor.Id, Kind = residence.Kind, HouseholdId = residence.HouseholdId,
                    UnitCode = residence.UnitCode, UnitStructure = residence.UnitStructure, AddressLine = residence.AddressLine,
                    ValidFrom = residence.ValidFrom, ValidUntil = residence.ValidUntil,
                });
                Carried["residence." + residence.Kind.ToString().ToLowerInvariant()] = $"{residence.UnitCode} {residence.AddressLine}";
            }
            residence.EndedOn = today;
            residence.EndReason = reason;
        }

        if (mergedMembership is not null && household is not null)
        {
            mergedMembership.LeftOn = today;
            var wasHead = household.HeadId == merged.Id;
            if (survivorMembership is null)
            {
                db.HouseholdMembers.Add(new HouseholdMember
                {
                    HouseholdId = household.Id, CitizenId = survivor.Id, RelationToHead = mergedMembership.RelationToHead, JoinedOn = mergedMembership.JoinedOn,
                });
                Carried["householdId"] = household.Id.ToString();
            }
            else if (survivorMembership.HouseholdId == household.Id && wasHead)
            {
                survivorMembership.RelationToHead = mergedMembership.RelationToHead;
            }
            if (wasHead && (survivorMembership is null || survivorMembership.HouseholdId == household.Id))
            {
                household.HeadId = survivor.Id;
            }
            else if (wasHead && !householdHasOthers)
            {
                household.DissolvedOn = today;
            }
            household.Version++;
        }
    }

    private Task<HouseholdMember?> ActiveMembershipAsync(Guid citizenId, CancellationToken cancellationToken) =>
        db.HouseholdMembers.FirstOrDefaultAsync(m => m.CitizenId == citizenId && m.LeftOn == null, cancellationToken);
}
