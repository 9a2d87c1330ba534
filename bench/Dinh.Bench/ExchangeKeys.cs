using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dinh.Bench;

/// <summary>
/// A member's key pair and client assertions for bench/run-exchange.sh, with nothing but the BCL: `exchange-key`
/// writes a P-256 private key (PEM) and its public JWK; `exchange-assertion` prints one private_key_jwt assertion.
/// </summary>
internal static class ExchangeKeys
{
    public static int WriteKey(string pemPath, string jwkPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(pemPath, key.ExportPkcs8PrivateKeyPem());
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        File.WriteAllText(jwkPath, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = "bench", ["use"] = "sig", ["x"] = Base64Url(q.X!), ["y"] = Base64Url(q.Y!),
        }));
        return 0;
    }

    public static int PrintAssertion(string issuer, string clientId, string pemPath)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(pemPath));
        var now = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "ES256", ["typ"] = "client-authentication+jwt", ["kid"] = "bench" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = clientId, ["sub"] = clientId, ["aud"] = issuer, ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(), ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        }));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Console.Out.WriteLine($"{header}.{payload}.{Base64Url(signature)}");
        return 0;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
