using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dinh.Exchange.Members;
using Dinh.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dinh.Tests.Exchange;

/// <summary>A member system as an integrator builds one: its own key, private_key_jwt tokens, and calls with purpose and case headers.</summary>
public sealed class TestMember(DinhApp app, string identifier, ECDsa key) : IDisposable
{
    public string Identifier => identifier;

    public async Task<string> TokenAsync(ECDsa? signWith = null)
    {
        using var http = app.CreateClient();
        using var config = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        var issuer = config.RootElement.GetProperty("issuer").GetString()!;
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "client-authentication+jwt",
            Issuer = identifier,
            Audience = issuer,
            Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", identifier), new System.Security.Claims.Claim("jti", Guid.NewGuid().ToString("N"))]),
            IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(2),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(signWith ?? key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256),
        });
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = identifier, ["scope"] = "exchange",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", ["client_assertion"] = assertion,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpClient> ClientAsync(string? purpose, string? caseReference = "HS-2026-0001")
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        if (purpose is not null)
        {
            client.DefaultRequestHeaders.Add("Dinh-Purpose", purpose);
        }
        if (caseReference is not null)
        {
            client.DefaultRequestHeaders.Add("Dinh-Case-Reference", caseReference);
        }
        return client;
    }

    public async Task GrantAsync(string dataset, string fields, string purpose, bool consentRequired = false)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var (error, _) = await scope.ServiceProvider.GetRequiredService<MemberAdministration>().AddGrantAsync(identifier, dataset, [fields], [purpose],
            "Luật Căn cước 2023, Điều 10", consentRequired, "system:test", CancellationToken.None);
        Assert.Null(error);
    }

    public void Dispose() => key.Dispose();
}

public static class ExchangeDriver
{
    public static async Task<TestMember> RegisterMemberAsync(DinhApp app, string code, int? rate = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = "k1" });
        var identifier = $"VN/COM/{code}{Guid.NewGuid().ToString("N")[..6]}/sys";
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var error = await scope.ServiceProvider.GetRequiredService<MemberAdministration>().AddMemberAsync(identifier, "Công ty " + code,
            JsonSerializer.Serialize(jwk), rate, "system:test", CancellationToken.None);
        Assert.Null(error);
        return new TestMember(app, identifier, key);
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }
}
