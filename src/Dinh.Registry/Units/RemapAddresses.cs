using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Registry.Contracts;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Units;

/// <summary>What one run did (or, in a dry run, would do).</summary>
public sealed record RemapReport(
    int Moved, int AmbiguousSplit, int Unresolved, int AlreadyCurrent, int KeptHistorical, int NewWorkItems)
{
    public int Ambiguous => AmbiguousSplit + Unresolved;
}

/// <summary>
/// Moves addresses stored on three-level commune codes to the two-level structure of 2025-07-01. An address moves
/// only when the conversion table gives its old commune exactly one new commune that exists; every other case goes
/// to the officers' worklist with the candidates. Nothing is guessed: a name can add a candidate, never choose one.
/// </summary>
internal sealed class RemapAddresses(RegistryDbContext db, TimeProvider clock)
{
    public const string Actor = "system:cli";
    public const string Action = "registry.address.remapped";
    public const string LegalBasis = "Resolution 202/2025/QH15; Decision 19/2025/QĐ-TTg";
    private const string Purpose = "Cập nhật địa chỉ theo đơn vị hành chính cấp xã mới (administrative-unit reorganisation)";

    // Small enough that one audited transaction stays short on a live database.
    private const int BatchSize = 500;

    private sealed record Decision(string? NewCode, RemapReason Reason, IReadOnlyList<string> Candidates);

    private sealed record Pending(AddressKind Kind, Guid Id, string OldCode);

    public async Task<RemapReport> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var decide = await LoadDecisionsAsync(cancellationToken);
        var cutover = StructureDates.TwoLevelFrom;

        // An address that had ended before the new structure began is history: it keeps the code it had then.
        var residences = await db.Residences.AsNoTracking()
            .Where(r => r.UnitStructure == AdministrativeStructure.ThreeLevel)
            .Select(r => new { r.Id, r.UnitCode, Historical = (r.EndedOn != null && r.EndedOn <= cutover) || (r.ValidUntil != null && r.ValidUntil < cutover) })
            .ToListAsync(cancellationToken);
        var households = await db.Households.AsNoTracking()
            .Where(h => h.UnitStructure == AdministrativeStructure.ThreeLevel)
            .Select(h => new { h.Id, h.UnitCode, Historical = h.DissolvedOn != null && h.DissolvedOn <= cutover })
            .ToListAsync(cancellationToken);
        var alreadyCurrent =
            await db.Residences.CountAsync(r => r.UnitStructure == AdministrativeStructure.TwoLevel, cancellationToken)
            + await db.Households.CountAsync(h => h.UnitStructure == AdministrativeStructure.TwoLevel, cancellationToken);

        var pending = residences.Where(r => !r.Historical).Select(r => new Pending(AddressKind.Residence, r.Id, r.UnitCode))
            .Concat(households.Where(h => !h.Historical).Select(h => new Pending(AddressKind.Household, h.Id, h.UnitCode)))
            .ToList();
        var kept = residences.Count(r => r.Historical) + households.Count(h => h.Historical);

        var existing = (await db.RemapWorklist.AsNoTracking()
                .Select(w => new { w.AddressKind, w.AddressId, w.OldCode }).ToListAsync(cancellationToken))
            .Select(w => (w.AddressKind, w.AddressId, w.OldCode)).ToHashSet();

        int moved = 0, split = 0, unresolved = 0, newItems = 0;
        var moves = new List<(Pending Address, string NewCode)>();
        foreach (var address in pending)
        {
            var decision = decide(address.OldCode);
            if (decision.NewCode is { } newCode)
            {
                moved++;
                moves.Add((address, newCode));
                continue;
            }
            if (decision.Reason == RemapReason.SplitAcrossCommunes)
            {
                split++;
            }
            else
            {
                unresolved++;
            }
            if (existing.Add((address.Kind, address.Id, address.OldCode)))
            {
                newItems++;
                db.RemapWorklist.Add(new AddressRemapWorkItem
                {
                    AddressKind = address.Kind,
                    AddressId = address.Id,
                    OldCode = address.OldCode,
                    CandidateCodes = string.Join(',', decision.Candidates),
                    Reason = decision.Reason,
                    CreatedAt = clock.GetUtcNow(),
                });
            }
        }

        if (!dryRun)
        {
            await db.SaveChangesAsync(cancellationToken);
            foreach (var batch in moves.Chunk(BatchSize))
            {
                await MoveAsync(batch, cancellationToken);
            }
        }
        return new RemapReport(moved, split, unresolved, alreadyCurrent, kept, newItems);
    }

    private async Task MoveAsync((Pending Address, string NewCode)[] batch, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var byId = batch.ToDictionary(m => (m.Address.Kind, m.Address.Id), m => m.NewCode);
        var residenceIds = batch.Where(m => m.Address.Kind == AddressKind.Residence).Select(m => m.Address.Id).ToList();
        var householdIds = batch.Where(m => m.Address.Kind == AddressKind.Household).Select(m => m.Address.Id).ToList();

        // Re-read under the structure filter: an address another process moved meanwhile is left alone.
        foreach (var residence in await db.Residences
            .Where(r => residenceIds.Contains(r.Id) && r.UnitStructure == AdministrativeStructure.ThreeLevel).ToListAsync(cancellationToken))
        {
            Audit(AddressKind.Residence, residence.Id, residence.UnitCode, byId[(AddressKind.Residence, residence.Id)]);
            residence.UnitCode = byId[(AddressKind.Residence, residence.Id)];
            residence.UnitStructure = AdministrativeStructure.TwoLevel;
        }
        foreach (var household in await db.Households
            .Where(h => householdIds.Contains(h.Id) && h.UnitStructure == AdministrativeStructure.ThreeLevel).ToListAsync(cancellationToken))
        {
            Audit(AddressKind.Household, household.Id, household.UnitCode, byId[(AddressKind.Household, household.Id)]);
            household.UnitCode = byId[(AddressKind.Household, household.Id)];
            household.UnitStructure = AdministrativeStructure.TwoLevel;
            // TODO(platform): bump household.Version once DinhDbContext's audited save stops writing modified rows
            // twice (its second SaveChanges re-sends them, so a changed concurrency token fails with 0 rows).
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private void Audit(AddressKind kind, Guid id, string from, string to) =>
        db.Audit(new AuditEvent(Actor, Action, Purpose)
        {
            Subject = $"{kind.ToString().ToLowerInvariant()}:{id}",
            LegalBasis = LegalBasis,
            Details = JsonSerializer.Serialize(new { from, to, fromStructure = "three-level", toStructure = "two-level" }),
        });

    /// <summary>
    /// The conversion table, read once. A row names its old commune by code, or (938 rows) only by commune,
    /// district and province name. Those name-only rows never move an address by themselves: they can only add
    /// candidates, which turns a seemingly simple case into a split for an officer (Phường Nghĩa Đô, 00157, has a
    /// coded row to 00160 and a name-only row to a further commune).
    /// </summary>
    private async Task<Func<string, Decision>> LoadDecisionsAsync(CancellationToken cancellationToken)
    {
        var newCommunes = (await db.Units.AsNoTracking()
                .Where(u => u.Level == UnitLevel.Commune && u.ValidFrom <= StructureDates.TwoLevelFrom
                    && (u.ValidTo == null || u.ValidTo >= StructureDates.TwoLevelFrom))
                .Select(u => u.Code).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var oldUnits = (await db.Units.AsNoTracking()
                .Where(u => u.ValidFrom <= StructureDates.ThreeLevelUntil && u.ValidTo == StructureDates.ThreeLevelUntil)
                .Select(u => new { u.Code, u.Level, u.Name, u.ParentCode }).ToListAsync(cancellationToken))
            .ToDictionary(u => (u.Level, u.Code));
        string? OldPlaceKey(string code)
        {
            if (!oldUnits.TryGetValue((UnitLevel.Commune, code), out var commune)
                || !oldUnits.TryGetValue((UnitLevel.District, commune.ParentCode ?? ""), out var district)
                || !oldUnits.TryGetValue((UnitLevel.Province, district.ParentCode ?? ""), out var province))
            {
                return null;
            }
            return PlaceKey(commune.Name, district.Name, province.Name);
        }

        var rows = await db.UnitMappings.AsNoTracking()
            .Select(m => new { m.OldCode, m.OldName, m.OldDistrictName, m.OldProvinceName, m.NewCode })
            .ToListAsync(cancellationToken);
        var byCode = rows.Where(m => m.OldCode is not null).ToLookup(m => m.OldCode!, m => m.NewCode, StringComparer.Ordinal);
        var byName = rows.Where(m => m.OldCode is null && m.OldName is not null)
            .ToLookup(m => PlaceKey(m.OldName!, m.OldDistrictName ?? "", m.OldProvinceName ?? ""), m => m.NewCode, StringComparer.Ordinal);

        return oldCode =>
        {
            var coded = byCode[oldCode].ToList();
            var named = OldPlaceKey(oldCode) is { } key ? byName[key] : [];
            var codes = coded.Concat(named).Distinct().Order(StringComparer.Ordinal).ToList();
            return codes.Count switch
            {
                _ when coded.Count == 0 => new Decision(null, RemapReason.NoMapping, codes),
                > 1 => new Decision(null, RemapReason.SplitAcrossCommunes, codes),
                _ when newCommunes.Contains(codes[0]) => new Decision(codes[0], default, codes),
                _ => new Decision(null, RemapReason.MappingDoesNotResolve, codes),
            };
        };
    }

    // Tone placement forgiven (Hòa / Hoà are the same name), nothing else: a different name is a different place.
    private static string PlaceKey(string commune, string district, string province) =>
        $"{VietnameseText.ToneKey(commune)}|{VietnameseText.ToneKey(district)}|{VietnameseText.ToneKey(province)}";
}
