namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// A specialised registry an agency runs on Dinh (GovStack Digital Registries "database"): a code (the acronym
/// in `/data/{code}/{version}`), a schema version and the JSON schema its records are validated against. Each
/// version is a registry of its own: its records are validated against that version's schema only.
/// </summary>
public sealed class HostedRegistry
{
    public int Id { get; init; }
    public required string Code { get; init; }
    public required string Version { get; init; }
    public required string Name { get; set; }
    public string? GroupName { get; set; }
    public string? Description { get; set; }

    /// <summary>The member that runs the registry: it may do everything with it, and grant others access.</summary>
    public Guid OwnerMemberId { get; set; }
    public required string Institution { get; set; }

    /// <summary>The law under which the registry is kept: the legal basis of its owner's reads and writes.</summary>
    public required string LegalBasis { get; set; }

    /// <summary>The schema as JSON text (<see cref="RegistrySchema"/>).</summary>
    public required string Schema { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ModifiedAt { get; set; }
    public required string ModifiedBy { get; set; }
}

/// <summary>
/// One record of a hosted registry. The primary key field's value is <see cref="RecordKey"/>; the field the
/// schema marks as a personal ID number is copied to <see cref="SubjectPersonalIdNumber"/>, which ties the record
/// to a citizen: reads of such records go to that citizen's "who used my data" page.
/// </summary>
public sealed class HostedRecord
{
    public Guid Id { get; init; }
    public int RegistryId { get; init; }
    public required string RecordKey { get; set; }
    public string? SubjectPersonalIdNumber { get; set; }

    /// <summary>The record as JSON text, valid against the registry's schema when written.</summary>
    public required string Content { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ModifiedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>What a member may do with a hosted registry, for which purposes and on which legal basis.</summary>
public sealed class RegistryGrant
{
    public Guid Id { get; init; }
    public required string RegistryCode { get; init; }
    public Guid MemberId { get; init; }

    /// <summary>Space-separated <see cref="RegistryOperations"/>.</summary>
    public required string Operations { get; set; }

    /// <summary>Space-separated purpose codes.</summary>
    public required string Purposes { get; set; }
    public required string LegalBasis { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    public IReadOnlyList<string> OperationList => Operations.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> PurposeList => Purposes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The operations a registry grant can name. The owner member holds them all.</summary>
public static class RegistryOperations
{
    /// <summary>list, read, exists, readValue.</summary>
    public const string Read = "read";

    /// <summary>create, update, updateEntries, updateOrCreate.</summary>
    public const string Write = "write";
    public const string Delete = "delete";

    /// <summary>MyPersonalDataUsage for the registry.</summary>
    public const string Usage = "usage";

    /// <summary>The Database API: read and modify the registry's schema (and create it under this code).</summary>
    public const string Schema = "schema";

    public static readonly IReadOnlyList<string> All = [Read, Write, Delete, Usage, Schema];
}
