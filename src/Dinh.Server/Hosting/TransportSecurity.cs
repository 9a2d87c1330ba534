using System.Net;

namespace Dinh.Server.Hosting;

internal sealed class TransportSecurityException(string message) : Exception(message);

/// <summary>
/// Plain HTTP only where nobody can listen in: on loopback, or anywhere in Development. Elsewhere Kestrel must
/// serve HTTPS (Kestrel:Endpoints:Https with a certificate), unless an operator declares that a TLS-terminating
/// proxy sits in front with Dinh:Http:AllowPlainHttpBehindProxy.
/// </summary>
internal static class TransportSecurity
{
    public static void Check(WebApplication app)
    {
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>("Dinh:Http:AllowPlainHttpBehindProxy"))
        {
            return;
        }
        var urls = (app.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(app.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        foreach (var url in urls)
        {
            if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(url))
            {
                throw new TransportSecurityException(
                    $"plain HTTP on a non-loopback address ({url}) is refused outside Development. Serve HTTPS " +
                    "(Kestrel__Endpoints__Https__Url and a certificate), or set Dinh__Http__AllowPlainHttpBehindProxy=true " +
                    "behind a TLS-terminating proxy.");
            }
        }
    }

    private static bool IsLoopback(string url)
    {
        var host = url["http://".Length..].Split('/')[0];
        host = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
