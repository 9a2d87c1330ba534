using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Web;

/// <summary>
/// Settings under Dinh:Http:ClientCertificates. When a TLS-terminating gateway (nginx, an X-Road security server, a
/// load balancer) checks a caller's client certificate, it forwards the certificate to Dinh in a header. Dinh reads
/// that header only when enabled and only on connections from the listed gateway addresses; from anywhere else the
/// header is ignored and the request has no certificate. The OpenID provider uses the certificate for RFC 8705
/// self_signed_tls_client_auth (docs/exchange.md, ADR 0014).
/// </summary>
public sealed class ClientCertificateOptions
{
    public const string Section = "Dinh:Http:ClientCertificates";

    /// <summary>Off by default: no header is read and mutual TLS client authentication is not offered.</summary>
    public bool Enabled { get; set; }

    /// <summary>The header holding the certificate: PEM, URL-encoded PEM (nginx `$ssl_client_escaped_cert`) or base64 DER.</summary>
    public string Header { get; set; } = "X-Client-Cert";

    /// <summary>Gateway addresses, each an IP address or a CIDR block (`10.20.0.5`, `10.20.0.0/24`, `fd00::/8`).</summary>
    public IList<string> TrustedGateways { get; } = [];
}

/// <summary>IP addresses and CIDR blocks from settings, and whether a connection comes from one of them.</summary>
public sealed class TrustedNetworks
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    private TrustedNetworks(IReadOnlyList<IPNetwork> networks) => _networks = networks;

    /// <summary>The listed blocks; throws naming the setting when one does not parse.</summary>
    public static TrustedNetworks Parse(IEnumerable<string> entries, string setting)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            var text = entry.Trim();
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new InvalidOperationException($"{setting}: '{entry}' is neither an IP address nor a CIDR block.");
            }
        }
        return new TrustedNetworks(networks);
    }

    public int Count => _networks.Count;

    /// <summary>Whether the request's client address (the TCP peer, or what a trusted proxy forwarded) is listed.</summary>
    public bool Contains(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }
        return _networks.Any(n => n.Contains(remote));
    }
}

internal static class ClientCertificateForwarding
{
    public static void AddDinhClientCertificates(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ClientCertificateOptions.Section).Get<ClientCertificateOptions>() ?? new ClientCertificateOptions();
        services.AddOptions<ClientCertificateOptions>().Bind(configuration.GetSection(ClientCertificateOptions.Section))
            .Validate(o => !o.Enabled || TrustedNetworks.Parse(o.TrustedGateways, $"{ClientCertificateOptions.Section}:TrustedGateways").Count > 0,
                $"{ClientCertificateOptions.Section}:Enabled needs at least one address in {ClientCertificateOptions.Section}:TrustedGateways.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Header), $"{ClientCertificateOptions.Section}:Header is empty.")
            .ValidateOnStart();
        if (!options.Enabled)
        {
            return;
        }
        services.AddCertificateForwarding(forwarding =>
        {
            forwarding.CertificateHeader = options.Header;
            forwarding.HeaderConverter = Read;
        });
    }

    /// <summary>
    /// After the forwarded-headers step (so that the address is the gateway's as Dinh:Http:TrustedProxies resolves it)
    /// and before authentication (which runs the token endpoint): the certificate header, from a trusted gateway only.
    /// </summary>
    public static void UseDinhClientCertificates(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClientCertificateOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }
        var gateways = TrustedNetworks.Parse(options.TrustedGateways, $"{ClientCertificateOptions.Section}:TrustedGateways");
        app.UseWhen(gateways.Contains, branch =>
        {
            branch.UseCertificateForwarding();
            // The gateway terminated the caller's TLS connection: a request that arrives with the certificate it checked
            // was made over TLS, whatever the gateway-to-Dinh hop uses (OpenIddict reads client certificates on https only).
            branch.Use(async (context, next) =>
            {
                if (await context.Connection.GetClientCertificateAsync(context.RequestAborted) is not null)
                {
                    context.Request.Scheme = Uri.UriSchemeHttps;
                }
                await next(context);
            });
        });
    }

    /// <summary>
    /// The forwarded certificate. A header that does not hold one throws: the forwarding middleware catches that, logs
    /// "Could not read certificate from header" and the request goes on without a certificate.
    /// </summary>
    private static X509Certificate2 Read(string header)
    {
        var text = Uri.UnescapeDataString(header).Trim();
        return text.StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
    }
}
