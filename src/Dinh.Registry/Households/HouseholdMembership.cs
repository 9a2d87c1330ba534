using Dinh.Platform.Problems;
using Dinh.Registry.Citizens;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Households;

/// <summary>
/// The household rules of Law on Residence 2020 Art. 10: a household has exactly one head, who is one of its
/// members. A head can only leave when another member takes over, or when they are the last member (the household
/// is then dissolved). Checks come before changes, so a refusal leaves the unit of work untouched.
/// </summary>
internal static class HouseholdMembership
{
    public const string HeadRelation = "Chủ hộ";

    public static async Task<(HouseholdMember? Membership, Household? Household)> ActiveAsync(RegistryDbContext db, Guid citizenId,
        CancellationToken cancellationToken)
    {
        var membership = await db.HouseholdMembers.FirstOrDefaultAsync(m => m.CitizenId == citizenId && m.LeftOn == null, cancellationToken);
        if (membership is null)
        {
            return (null, null);
        }
        return (membership, await db.Households.FirstAsync(h => h.Id == membership.HouseholdId, cancellationToken));
    }

    /// <summary>Takes the citizen out of their household; an error (nothing changed) when the head leaves without a successor.</summary>
    public static async Task<ErrorDefinition?> LeaveAsync(RegistryDbContext db, Guid citizenId, DateOnly on, Guid? newHeadId,
        CancellationToken cancellationToken)
    {
        var (membership, household) = await ActiveAsync(db, citizenId, cancellationToken);
        if (membership is null || household is null)
        {
            return null;
        }
        HouseholdMember? successor = null;
        var others = await db.HouseholdMembers
            .Where(m => m.HouseholdId == household.Id && m.LeftOn == null && m.CitizenId != citizenId).ToListAsync(cancellationToken);
        if (household.HeadId == citizenId && others.Count > 0)
        {
            successor = others.FirstOrDefault(m => m.CitizenId == newHeadId);
            if (successor is null)
            {
                return CitizenErrors.HeadRequired;
            }
        }
        membership.LeftOn = on;
        if (successor is not null)
        {
            household.HeadId = successor.CitizenId;
            successor.RelationToHead = HeadRelation;
        }
        else if (others.Count == 0)
        {
            household.DissolvedOn = on;
        }
        household.Version++;
        return null;
    }

    public static void Join(RegistryDbContext db, Household household, Guid citizenId, string relation, DateOnly on)
    {
        db.HouseholdMembers.Add(new HouseholdMember { HouseholdId = household.Id, CitizenId = citizenId, RelationToHead = relation, JoinedOn = on });
        household.Version++;
    }

    public static Household Establish(RegistryDbContext db, Guid id, Guid headId, string unitCode, string addressLine, DateOnly on)
    {
        var household = new Household { Id = id, HeadId = headId, UnitCode = unitCode, AddressLine = addressLine, EstablishedOn = on };
        db.Households.Add(household);
        db.HouseholdMembers.Add(new HouseholdMember { HouseholdId = id, CitizenId = headId, RelationToHead = HeadRelation, JoinedOn = on });
        return household;
    }

    /// <summary>Ends the citizen's active residences of the given kinds; returns a summary of what was ended, for the timeline.</summary>
    public static async Task<Dictionary<string, string?>> EndResidencesAsync(RegistryDbContext db, Guid citizenId, DateOnly on, string reason,
        CancellationToken cancellationToken, params ResidenceKind[] kinds)
    {
        var ended = new Dictionary<string, string?>(StringComparer.Ordinal);
        var active = await db.Residences.Where(r => r.CitizenId == citizenId && r.EndedOn == null && kinds.Contains(r.Kind)).ToListAsync(cancellationToken);
        foreach (var residence in active)
        {
            residence.EndedOn = on < residence.ValidFrom ? residence.ValidFrom : on;
            residence.EndReason = reason;
            ended[Field(residence.Kind)] = Describe(residence);
        }
        return ended;
    }

    public static string Field(ResidenceKind kind) => kind switch
    {
        ResidenceKind.Permanent => "residence.permanent",
        ResidenceKind.Temporary => "residence.temporary",
        ResidenceKind.Current => "residence.current",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Describe(Residence r) => $"{r.UnitCode} · {r.AddressLine}";

    /// <summary>Makes the household update conditional on the version the client read.</summary>
    public static bool IsCurrent(RegistryDbContext db, Household household, int readVersion)
    {
        if (household.Version != readVersion)
        {
            return false;
        }
        db.Entry(household).Property(h => h.Version).OriginalValue = readVersion;
        return true;
    }
}
