using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Registry.Citizens;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Contracts;

/// <summary>
/// The registry's part of the answer to a citizen's data-subject access request (Law 91/2025/QH15): the whole record
/// the registry holds on the citizen, as an officer sees it (identity, ID numbers, residences with addresses, household,
/// civil-status events). Ethnicity and religion are in it: they are the subject's own data, released to the subject.
/// Reads only, unaudited: the caller records the answer it gives.
/// </summary>
public sealed class SubjectAccessRecords(RegistryDbContext db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The record as JSON, or null when no citizen has this id.</summary>
    public async Task<JsonObject?> RecordAsync(Guid citizenId, CancellationToken cancellationToken)
    {
        var citizen = await db.Citizens.AsNoTracking().FirstOrDefaultAsync(c => c.Id == citizenId, cancellationToken);
        return citizen is null ? null : JsonSerializer.SerializeToNode(await GetCitizen.ViewAsync(db, new RegistryAccess(db, clock), citizen, cancellationToken), Web)!.AsObject();
    }
}
