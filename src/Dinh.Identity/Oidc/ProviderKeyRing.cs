using System.Security.Cryptography;
using Dinh.Identity.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace Dinh.Identity.Oidc;

/// <summary>
/// The provider's keys, read from the database (encrypted with data protection) into OpenIddict's options. When
/// another instance or `dinh keys rotate` changes the key set, a change token rebuilds the options here within
/// <see cref="PollInterval"/>: every instance publishes the same JWKS and signs with the same key.
/// </summary>
public sealed class ProviderKeyRing(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock)
    : BackgroundService, IConfigureOptions<OpenIddictServerOptions>,
      IOptionsChangeTokenSource<OpenIddictServerOptions>, IOptionsChangeTokenSource<OpenIddictValidationOptions>
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(15);
    private const string Purpose = "Dinh.Identity.ProviderKeys.v1";
    private CancellationTokenSource _changed = new();

    // The key set (and which keys sign) that the options were last built from; a tick that sees anything else
    // invalidates them, including a change made between the build and the first tick.
    private volatile string _configured = "";

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    internal IDataProtector Protector => protection.CreateProtector(Purpose);

    public void Configure(OpenIddictServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = Load();
        var now = clock.GetUtcNow();
        _configured = State(keys, now);
        // The key that signs goes first (OpenIddict signs with the first asymmetric key); the others are published
        // for validation: the next key before its activation, retired keys until their tokens have expired.
        var signing = keys.Where(k => k.Use == ProviderKeyUse.Signing && (k.ExpiresAt is null || now < k.ExpiresAt))
            .OrderBy(k => IsActive(k, now) ? 0 : 1)
            .ThenBy(k => k.Algorithm == "ES256" ? 0 : 1)
            .ThenByDescending(k => k.ActivatesAt);
        foreach (var key in signing)
        {
            options.SigningCredentials.Add(Credentials(key));
        }
        foreach (var key in keys.Where(k => k.Use == ProviderKeyUse.Encryption).OrderByDescending(k => k.ActivatesAt))
        {
            var material = Convert.FromBase64String(Protector.Unprotect(key.ProtectedMaterial));
            options.EncryptionCredentials.Add(new EncryptingCredentials(new SymmetricSecurityKey(material) { KeyId = key.KeyId },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    /// <summary>The secret that derives pairwise subject identifiers.</summary>
    public byte[] PairwiseSecret()
    {
        var key = Load().Where(k => k.Use == ProviderKeyUse.Pairwise).OrderBy(k => k.CreatedAt).FirstOrDefault()
            ?? throw new InvalidOperationException("The provider's pairwise key is missing: run `dinh db migrate`.");
        return Convert.FromBase64String(Protector.Unprotect(key.ProtectedMaterial));
    }

    public static bool IsActive(ProviderKey key, DateTimeOffset now) =>
        key.ActivatesAt <= now && (key.RetiresAt is null || now < key.RetiresAt);

    private SigningCredentials Credentials(ProviderKey key)
    {
        var pem = Protector.Unprotect(key.ProtectedMaterial);
        if (key.Algorithm == SecurityAlgorithms.EcdsaSha256)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = key.KeyId }, SecurityAlgorithms.EcdsaSha256);
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256);
    }

    private List<ProviderKey> Load()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        return db.ProviderKeys.AsNoTracking().ToList();
    }

    private static string State(IReadOnlyCollection<ProviderKey> keys, DateTimeOffset now) =>
        string.Join(",", keys.OrderBy(k => k.KeyId, StringComparer.Ordinal).Select(k => $"{k.KeyId}:{k.ActivatesAt.ToUnixTimeSeconds()}:{k.RetiresAt?.ToUnixTimeSeconds()}:{k.ExpiresAt?.ToUnixTimeSeconds()}"))
        + "|" + string.Join(",", keys.Where(k => IsActive(k, now) && (k.ExpiresAt is null || now < k.ExpiresAt)).Select(k => k.KeyId).Order(StringComparer.Ordinal));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var keys = Load();
                var configured = _configured;
                if (configured.Length > 0 && State(keys, clock.GetUtcNow()) != configured)
                {
                    _configured = "";
                    var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
                    await previous.CancelAsync();
                    previous.Dispose();
                }
            }
            catch (Exception e) when (e is InvalidOperationException or DbUpdateException or System.Data.Common.DbException)
            {
                // The database is unavailable: keep the keys in memory, try again at the next tick.
            }
        }
    }

    /// <summary>Creates the first keys of a new database; idempotent, and safe when several instances start at once.</summary>
    internal static async Task EnsureKeysAsync(AccountsDbContext db, IDataProtector protector, TimeProvider clock, CancellationToken cancellationToken)
    {
        var existing = await db.ProviderKeys.Select(k => new { k.Use, k.Algorithm }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (!existing.Any(k => k.Use == ProviderKeyUse.Signing && k.Algorithm == "ES256"))
        {
            db.ProviderKeys.Add(NewSigningKey("ES256", protector, now, now));
        }
        if (!existing.Any(k => k.Use == ProviderKeyUse.Signing && k.Algorithm == "RS256"))
        {
            db.ProviderKeys.Add(NewSigningKey("RS256", protector, now, now));
        }
        if (!existing.Any(k => k.Use == ProviderKeyUse.Encryption))
        {
            db.ProviderKeys.Add(NewSecret(ProviderKeyUse.Encryption, "A256KW", protector, now));
        }
        if (!existing.Any(k => k.Use == ProviderKeyUse.Pairwise))
        {
            db.ProviderKeys.Add(NewSecret(ProviderKeyUse.Pairwise, "HS256", protector, now));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    internal static ProviderKey NewSigningKey(string algorithm, IDataProtector protector, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        string pem;
        if (algorithm == "ES256")
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            pem = ecdsa.ExportPkcs8PrivateKeyPem();
        }
        else
        {
            using var rsa = RSA.Create(2048);
            pem = rsa.ExportPkcs8PrivateKeyPem();
        }
        return new ProviderKey
        {
            Id = Guid.CreateVersion7(now), Use = ProviderKeyUse.Signing, Algorithm = algorithm,
            KeyId = $"{algorithm.ToLowerInvariant()}-{now:yyyyMMddHHmmss}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}",
            ProtectedMaterial = protector.Protect(pem), CreatedAt = now, ActivatesAt = activatesAt,
        };
    }

    private static ProviderKey NewSecret(ProviderKeyUse use, string algorithm, IDataProtector protector, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Use = use, Algorithm = algorithm,
        KeyId = $"{use.ToString().ToLowerInvariant()}-{now:yyyyMMddHHmmss}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}",
        ProtectedMaterial = protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), CreatedAt = now, ActivatesAt = now,
    };
}
