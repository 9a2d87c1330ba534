using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Dinh.Identity.Oidc;

/// <summary>
/// What each scope releases: an explicit whitelist. A claim not listed here never leaves Dinh, whatever a client
/// asks; the consent page lists exactly these claims for the scopes a client requests.
/// </summary>
public static class ScopeCatalog
{
    public const string PersonalId = "personal_id";
    public const string Birthdate = "birthdate";
    public const string RegistryRead = "registry.read";
    public const string Exchange = "exchange";

    public sealed record ScopeInfo(string Name, string[] Claims, string Vi, string En);

    public static readonly IReadOnlyList<ScopeInfo> Released =
    [
        new("profile", ["name", "gender"], "Họ và tên, giới tính", "Full name and sex"),
        new(Birthdate, ["birthdate"], "Ngày sinh", "Date of birth"),
        new(PersonalId, ["personal_id"], "Số định danh cá nhân", "Personal ID number"),
        new("phone", ["phone_number", "phone_number_verified"], "Số điện thoại", "Phone number"),
        new("email", ["email", "email_verified"], "Thư điện tử", "Email address"),
        // `address` and `household` wait for a registry contract that exposes the permanent residence and the head
        // of household: a scope is listed here only once /connect/userinfo really serves its claims.
    ];

    /// <summary>Scopes for systems (client credentials), never shown to citizens.</summary>
    public static readonly IReadOnlyList<string> Agency = [RegistryRead, Exchange];

    public static ScopeInfo? Find(string scope) => Released.FirstOrDefault(s => s.Name == scope);

    /// <summary>
    /// The subject a client sees: HMAC of the account id under the provider's pairwise secret, per sector. Two
    /// clients of different sectors cannot link a citizen by "sub" (OpenID Connect Core §8.1).
    /// </summary>
    public static string PairwiseSubject(byte[] secret, string sector, Guid accountId)
    {
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{sector}\n{accountId:N}"));
        return Base64UrlEncoder.Encode(mac);
    }
}
