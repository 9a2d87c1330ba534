using System.Globalization;
using System.Text.Json;
using Dinh.Platform.Auditing;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Registry.Citizens;

/// <summary>
/// Versioning of a citizen record: every committed change is one <see cref="CitizenChange"/> (the fields before and
/// after) and one audit record, added to the same unit of work as the change itself.
/// </summary>
internal static class CitizenHistory
{
    public static Dictionary<string, string?> Snapshot(Citizen c) => new(StringComparer.Ordinal)
    {
        ["personalIdNumber"] = c.PersonalIdNumber,
        ["fullName"] = c.FullName,
        ["dateOfBirth"] = c.DateOfBirth.ToString(),
        ["sex"] = c.Sex.ToString(),
        ["birthRegistrationProvince"] = c.BirthRegistrationProvince,
        ["birthplace"] = c.Birthplace,
        ["hometown"] = c.Hometown,
        ["ethnicityCode"] = c.EthnicityCode,
        ["religion"] = c.Religion,
        ["nationality"] = c.Nationality,
        ["fatherId"] = c.FatherId?.ToString(),
        ["motherId"] = c.MotherId?.ToString(),
        ["spouseId"] = c.SpouseId?.ToString(),
        ["status"] = c.Status.ToString(),
        ["dateOfDeath"] = c.DateOfDeath?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["idCardNumber"] = c.IdCardNumber,
        ["idCardIssuedOn"] = c.IdCardIssuedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["idCardExpiresOn"] = c.IdCardExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Marks the record changed and records the version. <paramref name="before"/> is a <see cref="Snapshot"/> taken
    /// before the change (null for a new record); <paramref name="extraBefore"/>/<paramref name="extraAfter"/> carry
    /// facts outside the citizen row, such as residence.
    /// </summary>
    public static void Record(RegistryDbContext db, HttpContext http, Citizen citizen, SignedInOfficer officer, string action,
        string legalBasis, string purpose, Dictionary<string, string?>? before, DateTimeOffset now,
        Dictionary<string, string?>? extraBefore = null, Dictionary<string, string?>? extraAfter = null)
    {
        var after = Snapshot(citizen);
        Dictionary<string, string?> changedBefore = new(StringComparer.Ordinal);
        Dictionary<string, string?> changedAfter = new(StringComparer.Ordinal);
        foreach (var (field, value) in after)
        {
            if (before is null || before[field] != value)
            {
                if (before is not null)
                {
                    changedBefore[field] = before[field];
                }
                changedAfter[field] = value;
            }
        }
        foreach (var (field, value) in extraBefore ?? [])
        {
            changedBefore[field] = value;
        }
        foreach (var (field, value) in extraAfter ?? [])
        {
            changedAfter[field] = value;
        }
        if (before is not null)
        {
            citizen.Touch(now);
        }
        db.Changes.Add(new CitizenChange
        {
            CitizenId = citizen.Id,
            Version = citizen.Version,
            At = now,
            Actor = officer.Actor,
            Action = action,
            LegalBasis = legalBasis,
            Before = before is null ? null : JsonSerializer.Serialize(changedBefore),
            After = JsonSerializer.Serialize(changedAfter),
        });
        db.Audit(new AuditEvent(officer.Actor, action, purpose)
        {
            Subject = $"citizen:{citizen.Id}",
            LegalBasis = legalBasis,
            RequestId = http.TraceIdentifier,
            // Field names only: the values are personal data and live in citizen_changes, under the registry's access rules.
            Details = JsonSerializer.Serialize(new { version = citizen.Version, fields = changedAfter.Keys.Order(StringComparer.Ordinal) }),
        });
    }

    /// <summary>
    /// Makes the update conditional on the version the client read: EF adds "WHERE version = @read" to the UPDATE,
    /// so a concurrent writer that committed first turns this save into a <see cref="DbUpdateConcurrencyException"/>.
    /// </summary>
    public static bool IsCurrent(RegistryDbContext db, Citizen citizen, int readVersion)
    {
        if (citizen.Version != readVersion)
        {
            return false;
        }
        db.Entry(citizen).Property(c => c.Version).OriginalValue = readVersion;
        return true;
    }

    /// <summary>
    /// Saves the unit of work; false when another writer committed a new version of one of the citizens first (the
    /// conditional UPDATE matched nothing, or that writer took the same version number in citizen_changes).
    /// </summary>
    public static async Task<bool> SaveUnlessStaleAsync(RegistryDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        catch (DbUpdateException)
        {
            foreach (var entry in db.ChangeTracker.Entries<Citizen>().Where(e => e.State == EntityState.Modified))
            {
                var id = entry.Entity.Id;
                var read = entry.Property(c => c.Version).OriginalValue;
                var stored = await db.Citizens.AsNoTracking().Where(c => c.Id == id).Select(c => c.Version).FirstOrDefaultAsync(cancellationToken);
                if (stored != read)
                {
                    return false;
                }
            }
            throw;
        }
    }

    public static void ReadAudit(RegistryDbContext db, HttpContext http, SignedInOfficer officer, string subject, string purpose, string action = "registry.citizen.read") =>
        db.Audit(new AuditEvent(officer.Actor, action, purpose) { Subject = subject, RequestId = http.TraceIdentifier });
}

/// <summary>What every registry request carries besides its own fields.</summary>
internal static class RegistryRequest
{
    public const string PurposeHeader = "X-Purpose";

    public static string? Purpose(HttpContext http, string? fromQueryOrBody) =>
        !string.IsNullOrWhiteSpace(fromQueryOrBody) ? fromQueryOrBody.Trim()
        : http.Request.Headers[PurposeHeader].FirstOrDefault() is { Length: > 0 } header ? header.Trim() : null;

    /// <summary>The version the client read: <c>If-Match: "3"</c> or a <c>version</c> field.</summary>
    public static int? Version(HttpContext http, int? fromBody)
    {
        if (fromBody is not null)
        {
            return fromBody;
        }
        var header = http.Request.Headers.IfMatch.FirstOrDefault()?.Trim();
        if (header is null)
        {
            return null;
        }
        header = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return int.TryParse(header.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    public static string ETag(int version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Checks the fields every write needs: version (unless new), purpose and legal basis.</summary>
    public static (int Version, string Purpose, string LegalBasis) Common(FieldErrors errors, HttpContext http, int? version, string? purpose,
        string? legalBasis, bool needsVersion = true)
    {
        var v = Version(http, version);
        if (needsVersion && v is null)
        {
            errors.Add("version", "required");
        }
        var p = errors.Required("purpose", Purpose(http, purpose));
        var l = errors.Required("legalBasis", legalBasis);
        return (v ?? 0, p ?? "", l ?? "");
    }
}
