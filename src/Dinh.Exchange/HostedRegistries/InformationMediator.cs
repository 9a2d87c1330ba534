using Dinh.Platform.Web;
using Microsoft.AspNetCore.Http;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>
/// Settings under Dinh:Exchange:InformationMediator. When an X-Road style gateway authenticates members (mutual
/// TLS between security servers), it forwards the caller's identity in the `Information-Mediator-Client` header.
/// Dinh believes that header only when enabled and only on connections from the listed gateway addresses.
/// </summary>
public sealed class InformationMediatorOptions
{
    public const string Section = "Dinh:Exchange:InformationMediator";
    public const string Header = "Information-Mediator-Client";

    /// <summary>Off by default: the header is then ignored and every caller needs a Dinh access token.</summary>
    public bool Enabled { get; set; }

    /// <summary>Gateway addresses, each an IP address or a CIDR block (`10.20.0.5`, `10.20.0.0/24`, `fd00::/8`).</summary>
    public IList<string> TrustedGateways { get; } = [];

    /// <summary>The configured blocks; throws naming the setting when one does not parse.</summary>
    internal TrustedNetworks Networks() => TrustedNetworks.Parse(TrustedGateways, $"{Section}:TrustedGateways");

    /// <summary>
    /// The member identifier the gateway vouches for, or null when the header must be ignored: the setting is off,
    /// the header is absent, or the connection does not come from a trusted gateway (then the caller authenticates
    /// with a token like anyone else, and a forged header gains nothing).
    /// </summary>
    internal string? TrustedClient(HttpContext http)
    {
        if (!Enabled || http.Request.Headers[Header].ToString().Trim() is not { Length: > 0 } client)
        {
            return null;
        }
        return Networks().Contains(http) ? client : null;
    }
}
