using System.Text.Json;
using Dinh.Identity.Accounts;
using OpenIddict.Abstractions;

namespace Dinh.Identity.Oidc;

/// <summary>Dinh's own settings of a registered application, kept in OpenIddict's application properties.</summary>
public sealed record ClientSettings(AssuranceLevel MinimumLevel, string Sector, string? LogoUri, string SigningAlgorithm)
{
    public const string MinimumLevelProperty = "dinh_min_level";
    public const string SectorProperty = "dinh_sector";
    public const string LogoProperty = "dinh_logo";
    public const string AlgorithmProperty = "dinh_alg";

    public static async Task<ClientSettings> ReadAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var clientId = await applications.GetClientIdAsync(application, cancellationToken) ?? "";
        string? Text(string name) => properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var level = Text(MinimumLevelProperty) == "2" ? AssuranceLevel.Level2 : AssuranceLevel.Level1;
        return new ClientSettings(level, Text(SectorProperty) ?? clientId, Text(LogoProperty), Text(AlgorithmProperty) ?? "ES256");
    }

    public static void Write(OpenIddictApplicationDescriptor descriptor, AssuranceLevel minimumLevel, string? sector, string? logo, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        descriptor.Properties[MinimumLevelProperty] = JsonSerializer.SerializeToElement(minimumLevel == AssuranceLevel.Level2 ? "2" : "1");
        if (sector is { Length: > 0 })
        {
            descriptor.Properties[SectorProperty] = JsonSerializer.SerializeToElement(sector);
        }
        if (logo is { Length: > 0 })
        {
            descriptor.Properties[LogoProperty] = JsonSerializer.SerializeToElement(logo);
        }
        descriptor.Properties[AlgorithmProperty] = JsonSerializer.SerializeToElement(algorithm);
    }
}
