using System.Globalization;
using System.Text.Json;
using Dinh.Registry.Contracts;

namespace Dinh.Exchange.Events;

/// <summary>What a member receives for one registry change, in the pull feed and in a webhook body alike.</summary>
public sealed record EventMessage(Guid Id, long Sequence, string Kind, string PersonalIdNumber, string OccurredOn, DateTimeOffset RecordedAt,
    IReadOnlyDictionary<string, string?> Data)
{
    public static EventMessage From(RegistryChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(change.EventId, change.Sequence, change.Kind, change.PersonalIdNumber,
            change.OccurredOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), change.RecordedAt, change.Data);
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}
