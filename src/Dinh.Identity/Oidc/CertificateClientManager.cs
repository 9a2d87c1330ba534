using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Dinh.Identity.Oidc;

/// <summary>
/// OpenIddict's application manager, with one addition for RFC 8705 self_signed_tls_client_auth (ADR 0018): OpenIddict
/// 7.8 trusts the certificates of a client's key set only as IdentityModel converts them, which turns an RSA-typed JWK
/// with `x5c` into a certificate key and an EC one into a bare ECDsa key, never matched. Here an EC key's `x5c`
/// certificate joins the trust store too, so members may register P-256 (or P-384, P-521) certificates under their
/// true key type. Everything else, including the chain building and the certificate checks, stays OpenIddict's. And
/// an application to be updated or deleted is attached to the request's context first (see <see cref="UpdateAsync"/>).
/// </summary>
internal sealed class CertificateClientManager(IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication<Guid>> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication<Guid>>> logger, IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication<Guid>> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication<Guid>>(cache, logger, options, store)
{
    // The shared cache hands out untracked copies (SharedApplicationCache): one to be changed or removed is attached first.
    public override ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication<Guid> application, CancellationToken cancellationToken = default)
    {
        (Cache as SharedApplicationCache)?.Track(application);
        return base.UpdateAsync(application, cancellationToken);
    }

    public override ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreApplication<Guid> application, CancellationToken cancellationToken = default)
    {
        (Cache as SharedApplicationCache)?.Track(application);
        return base.DeleteAsync(application, cancellationToken);
    }

    public override async ValueTask<X509ChainPolicy?> GetSelfSignedTlsClientAuthenticationPolicyAsync(OpenIddictEntityFrameworkCoreApplication<Guid> application,
        X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        var derived = await base.GetSelfSignedTlsClientAuthenticationPolicyAsync(application, policy, cancellationToken);
        var elliptic = (await GetJsonWebKeySetAsync(application, cancellationToken))?.Keys
            .Where(key => key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve && key.X5c.Count > 0).ToList() ?? [];
        if (elliptic.Count == 0)
        {
            return derived;
        }
        // A copy: the policy OpenIddict passed in is its shared base policy. Without RSA certificates OpenIddict derives
        // none (null refuses the client); the base policy then starts it.
        var withElliptic = (derived ?? policy).Clone();
        foreach (var key in elliptic)
        {
            withElliptic.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(key.X5c[0])));
        }
        return withElliptic;
    }

    /// <summary>
    /// tls_client_auth (RFC 8705 section 2.1): the certificate is the client's if it carries the subject DN registered
    /// for it (`tls_client_auth_subject_dn`) and chains, under the policy OpenIddict passes (the configured CAs as the
    /// only trust anchors, client-authentication usage), to one of those CAs. A client without a registered subject is
    /// never matched; a policy that would trust the system's roots is refused.
    /// </summary>
    public override async ValueTask<bool> ValidatePublicKeyInfrastructureTlsClientCertificateAsync(OpenIddictEntityFrameworkCoreApplication<Guid> application,
        X509Certificate2 certificate, X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        var properties = await GetPropertiesAsync(application, cancellationToken);
        if (!properties.TryGetValue(MutualTls.SubjectProperty, out var value) || value.ValueKind != System.Text.Json.JsonValueKind.String
            || !MutualTls.HasSubject(certificate, value.GetString()!))
        {
            return false;
        }
        if (policy.TrustMode != X509ChainTrustMode.CustomRootTrust || policy.CustomTrustStore.Count == 0)
        {
            return false;
        }
        using var chain = new X509Chain { ChainPolicy = policy.Clone() };
        return chain.Build(certificate);
    }
}
