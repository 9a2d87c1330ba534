namespace Dinh.Exchange.Members;

public enum MemberStatus
{
    Active = 1,
    Disabled = 2,
}

/// <summary>
/// A member system of the exchange, named `COUNTRY/CLASS/CODE/SUBSYSTEM` as X-Road names them
/// (`VN/GOV/H01/residence`, `VN/COM/VIETTEL/sim`). Each subsystem is one OAuth client of Dinh's provider.
/// </summary>
public sealed class Member
{
    public Guid Id { get; init; }
    public required string Identifier { get; init; }
    public required string Name { get; set; }
    public required string ClientId { get; init; }
    public MemberStatus Status { get; set; } = MemberStatus.Active;

    /// <summary>Requests per second this member may make; null means the configured default.</summary>
    public int? RateLimitPerSecond { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The identifier as a client id: letters, digits, '.', '-', '_' and '/' are what the provider accepts.</summary>
    public static bool TryParseIdentifier(string? text, out string identifier)
    {
        identifier = (text ?? "").Trim();
        var parts = identifier.Split('/');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 40 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            && parts[0].Length == 2 && parts[0].All(char.IsAsciiLetterUpper);
    }
}

/// <summary>Datasets a grant can name, and the fields or event kinds each has.</summary>
public static class Datasets
{
    public const string Person = "person";
    public const string Verification = "verification";
    public const string Events = "events";
    public const string Records = "records";
    public const string RecordsWrite = "records-write";

    public static readonly IReadOnlyList<string> RecordTypes = ["driving-licence", "vehicle-registration", "health-insurance-card", "land-plot"];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Fields = new Dictionary<string, IReadOnlyList<string>>
    {
        [Person] = ["fullName", "dateOfBirth", "sex", "deceased", "dateOfDeath", "nationality", "permanentResidenceUnitCode",
            "currentResidenceUnitCode", "idCardNumber", "idCardExpiresOn"],
        [Verification] = ["fullName", "dateOfBirth", "sex", "idCardNumber"],
        [Events] = Dinh.Registry.Contracts.RegistryChangeFeed.Kinds,
        [Records] = RecordTypes,
        [RecordsWrite] = RecordTypes,
    };
}

/// <summary>
/// What a member may read: one dataset, the fields (or event kinds) in it, the purposes it may read them for, the
/// legal basis, and whether each access needs the citizen's recorded consent (a bank's eKYC) or not (a statutory
/// duty). Revoked grants are kept: the access log refers to them.
/// </summary>
public sealed class Grant
{
    public Guid Id { get; init; }
    public Guid MemberId { get; init; }
    public required string Dataset { get; init; }

    /// <summary>Space-separated field names (or event kinds for the events dataset).</summary>
    public required string Fields { get; init; }

    /// <summary>Space-separated purpose codes, e.g. `sim-subscriber-verification`.</summary>
    public required string Purposes { get; init; }
    public required string LegalBasis { get; init; }
    public bool ConsentRequired { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    public IReadOnlyList<string> FieldList => Fields.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> PurposeList => Purposes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A citizen's consent to one member for one purpose (Law 91/2025: explicit, specific, recorded, withdrawable).</summary>
public sealed class Consent
{
    public Guid Id { get; init; }
    public Guid CitizenId { get; init; }
    public Guid MemberId { get; init; }
    public required string Purpose { get; init; }
    public DateTimeOffset GivenAt { get; init; }
    public DateTimeOffset? WithdrawnAt { get; set; }
}
