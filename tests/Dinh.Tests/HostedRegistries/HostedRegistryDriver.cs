using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dinh.Exchange.Members;
using Dinh.Tests.Exchange;
using Dinh.Tests.Infrastructure;
using Dinh.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Dinh.Tests.HostedRegistries;

/// <summary>The shipped sample registry, copies of it under a code of each test's own, and GovStack calls.</summary>
public static class HostedRegistryDriver
{
    // GovStack field names are the schema's, as written (`ID`): no camel-casing of the test's anonymous objects.
    private static readonly JsonSerializerOptions AsWritten = new();

    public static string SampleDirectory => Path.Combine(ArchitectureTests.RepositoryRoot(), "samples", "registries", "btxh-hanoi");

    /// <summary>A member with a given identifier (the sample's registry.json names its owner).</summary>
    public static async Task<TestMember> RegisterMemberAsync(DinhApp app, string identifier)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = "k1" });
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var error = await scope.ServiceProvider.GetRequiredService<MemberAdministration>().AddMemberAsync(identifier, "Sở Lao động - Thương binh và Xã hội Hà Nội",
            JsonSerializer.Serialize(jwk), null, "system:test", CancellationToken.None);
        Assert.Null(error);
        return new TestMember(app, identifier, key);
    }

    /// <summary>The sample under a fresh code and owner, in a temporary directory.</summary>
    public static string CopySample(string owner, out string code)
    {
        code = "BTXH" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var directory = Directory.CreateTempSubdirectory("dinh-registry-").FullName;
        foreach (var file in Directory.GetFiles(SampleDirectory))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "registry.json")))!.AsObject();
        definition["code"] = code;
        definition["owner"] = owner;
        File.WriteAllText(Path.Combine(directory, "registry.json"), definition.ToJsonString());
        return directory;
    }

    public static async Task<string> LoadCopyAsync(DinhApp app, string owner)
    {
        var directory = CopySample(owner, out var code);
        var result = await app.RunDinhAsync("registries", "load", directory);
        Assert.True(result.ExitCode == 0, result.Error);
        return code;
    }

    public static JsonObject Record(string id, string personalIdNumber, string fullName) => new()
    {
        ["ID"] = id, ["personalIdNumber"] = personalIdNumber, ["fullName"] = fullName, ["birthdate"] = "1941-11-02", ["category"] = "elderly-80",
        ["monthlyAllowance"] = 500000, ["since"] = "2022-01-01", ["communeCode"] = "00004", ["active"] = true,
    };

    public static Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient client, string path) => ExchangeDriver.GetAsync(client, path);

    public static Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient client, string path, object body) =>
        SendAsync(client, HttpMethod.Post, path, body);

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, body.GetType(), options: AsWritten) };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, text);
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }
}
