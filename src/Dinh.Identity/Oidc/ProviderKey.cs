namespace Dinh.Identity.Oidc;

public enum ProviderKeyUse
{
    Signing = 1,
    Encryption = 2,
    Pairwise = 3,
}

/// <summary>
/// A key of the OpenID provider, shared by every instance through the database. The material is encrypted with
/// the data-protection keys (themselves in the database, optionally wrapped by a certificate). A signing key is
/// published in the JWKS from creation, signs from <see cref="ActivatesAt"/> until <see cref="RetiresAt"/>, and stays
/// published until <see cref="ExpiresAt"/> so that tokens it signed still validate (`dinh keys rotate`).
/// </summary>
public sealed class ProviderKey
{
    public Guid Id { get; set; }
    public ProviderKeyUse Use { get; set; }

    /// <summary>ES256, RS256, A256KW (the key that encrypts codes and refresh tokens), HS256 (pairwise subjects).</summary>
    public string Algorithm { get; set; } = "";
    public string KeyId { get; set; } = "";
    public string ProtectedMaterial { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ActivatesAt { get; set; }
    public DateTimeOffset? RetiresAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}
