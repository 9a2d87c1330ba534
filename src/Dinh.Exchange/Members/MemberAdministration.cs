using System.Security.Cryptography;
using System.Text.Json;
using Dinh.Exchange.Events;
using Dinh.Exchange.Persistence;
using Dinh.Identity.Contracts;
using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Exchange.Members;

/// <summary>
/// Members, grants and webhooks, for `dinh members|grants …` and the administration page alike. Every change is
/// audited with the administrator (or `system:cli`) as actor. A member's OAuth client is created first, through
/// Identity's contract; its client id is the member identifier.
/// </summary>
internal sealed class MemberAdministration(ExchangeDbContext db, SystemClients clients, TimeProvider clock, MemberDirectory directory)
{
    private const string LegalBasis = "Decree 47/2020/ND-CP (sharing of data between state agencies)";

    /// <summary>Null when created, or an error key (identifier, name, rate, member-exists, or one of SystemClients' keys).</summary>
    public Task<string?> AddMemberAsync(string identifierText, string name, string jsonWebKeys, int? rateLimitPerSecond, string actor,
        CancellationToken cancellationToken) =>
        AddAsync(identifierText, name, rateLimitPerSecond, actor, "private_key_jwt",
            identifier => clients.CreateAsync(identifier, name.Trim(), jsonWebKeys, [SystemClients.ExchangeScope], cancellationToken), cancellationToken);

    /// <summary>
    /// A member authenticating with mutual TLS (RFC 8705 self_signed_tls_client_auth) through a TLS-terminating gateway:
    /// its self-signed certificate (PEM) is stored in its OAuth client's key set.
    /// </summary>
    public Task<string?> AddCertificateMemberAsync(string identifierText, string name, string certificatePem, int? rateLimitPerSecond, string actor,
        CancellationToken cancellationToken) =>
        AddAsync(identifierText, name, rateLimitPerSecond, actor, "self_signed_tls_client_auth",
            identifier => clients.CreateWithCertificateAsync(identifier, name.Trim(), certificatePem, [SystemClients.ExchangeScope], cancellationToken),
            cancellationToken);

    /// <summary>A member authenticating with tls_client_auth: a certificate from a configured CA carrying this subject DN.</summary>
    public Task<string?> AddSubjectMemberAsync(string identifierText, string name, string subjectDn, int? rateLimitPerSecond, string actor,
        CancellationToken cancellationToken) =>
        AddAsync(identifierText, name, rateLimitPerSecond, actor, "tls_client_auth",
            identifier => clients.CreateWithSubjectAsync(identifier, name.Trim(), subjectDn, [SystemClients.ExchangeScope], cancellationToken), cancellationToken);

    private async Task<string?> AddAsync(string identifierText, string name, int? rateLimitPerSecond, string actor, string authentication,
        Func<string, Task<string?>> createClient, CancellationToken cancellationToken)
    {
        if (!Member.TryParseIdentifier(identifierText, out var identifier))
        {
            return "identifier";
        }
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            return "name";
        }
        if (rateLimitPerSecond is < 1 or > 100_000)
        {
            return "rate";
        }
        if (await db.Members.AnyAsync(m => m.Identifier == identifier, cancellationToken))
        {
            return "member-exists";
        }
        if (await createClient(identifier) is { } error)
        {
            return error;
        }
        var now = clock.GetUtcNow();
        db.Members.Add(new Member
        {
            Id = Guid.CreateVersion7(now), Identifier = identifier, Name = name.Trim(), ClientId = identifier, RateLimitPerSecond = rateLimitPerSecond,
            CreatedAt = now,
        });
        Audit(actor, "exchange.member.added", identifier, JsonSerializer.Serialize(new { authentication }));
        await db.SaveChangesAsync(cancellationToken);
        directory.Clear();
        return null;
    }

    /// <summary>How the member's system authenticates (method, keys, certificates); null for an unknown member.</summary>
    public async Task<(Member Member, ClientCredentials? Credentials)?> AuthenticationAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memberId, cancellationToken);
        return member is null ? null : (member, await clients.CredentialsAsync(member.ClientId, cancellationToken));
    }

    /// <summary>
    /// The member authenticates with mutual TLS (self_signed_tls_client_auth) and this certificate from now on: a
    /// replacement of its certificate, or a switch from private_key_jwt. Null when done, or an error key.
    /// </summary>
    public Task<string?> ReplaceCertificateAsync(Guid memberId, string certificatePem, string actor, CancellationToken cancellationToken) =>
        ChangeAuthenticationAsync(memberId, actor, clientId => clients.ReplaceCertificateAsync(clientId, certificatePem, cancellationToken), cancellationToken);

    /// <summary>The member authenticates with tls_client_auth (a CA-issued certificate with this subject DN) from now on.</summary>
    public Task<string?> ReplaceSubjectAsync(Guid memberId, string subjectDn, string actor, CancellationToken cancellationToken) =>
        ChangeAuthenticationAsync(memberId, actor, clientId => clients.ReplaceSubjectAsync(clientId, subjectDn, cancellationToken), cancellationToken);

    /// <summary>The member authenticates with private_key_jwt and these public keys from now on. Null when done, or an error key.</summary>
    public Task<string?> ReplacePublicKeysAsync(Guid memberId, string jsonWebKeys, string actor, CancellationToken cancellationToken) =>
        ChangeAuthenticationAsync(memberId, actor, clientId => clients.ReplacePublicKeysAsync(clientId, jsonWebKeys, cancellationToken), cancellationToken);

    // The client changes first (as when a member is added), then the audit record names the method and keys before and after.
    private async Task<string?> ChangeAuthenticationAsync(Guid memberId, string actor, Func<string, Task<string?>> change, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == memberId, cancellationToken);
        if (member is null)
        {
            return "member";
        }
        var before = await clients.CredentialsAsync(member.ClientId, cancellationToken);
        if (await change(member.ClientId) is { } error)
        {
            return error;
        }
        var after = await clients.CredentialsAsync(member.ClientId, cancellationToken);
        Audit(actor, "exchange.member.authentication.changed", member.Identifier, JsonSerializer.Serialize(new { from = Describe(before), to = Describe(after) }));
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static object? Describe(ClientCredentials? credentials) => credentials is null ? null : new
    {
        method = credentials.Method,
        subject = credentials.SubjectDn,
        keys = credentials.Keys.Select(k => k.CertificateSha256 is { } sha256 ? $"sha256:{sha256}" : $"kid:{k.KeyId}").ToList(),
    };

    public async Task<bool> SetStatusAsync(string identifier, MemberStatus status, string actor, CancellationToken cancellationToken)
    {
        var member = await db.Members.FirstOrDefaultAsync(m => m.Identifier == identifier, cancellationToken);
        if (member is null)
        {
            return false;
        }
        await clients.SetEnabledAsync(member.ClientId, status == MemberStatus.Active, cancellationToken);
        member.Status = status;
        Audit(actor, status == MemberStatus.Active ? "exchange.member.enabled" : "exchange.member.disabled", identifier, null);
        await db.SaveChangesAsync(cancellationToken);
        directory.Clear();
        return true;
    }

    /// <summary>Null when granted, or an error key: member, dataset, fields, purposes, legal-basis, type-owned.</summary>
    public async Task<(string? Error, Guid? GrantId)> AddGrantAsync(string identifier, string dataset, IReadOnlyList<string> fields, IReadOnlyList<string> purposes,
        string legalBasis, bool consentRequired, string actor, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Identifier == identifier, cancellationToken);
        if (member is null)
        {
            return ("member", null);
        }
        if (!Datasets.Fields.TryGetValue(dataset, out var known))
        {
            return ("dataset", null);
        }
        var fieldList = fields.SelectMany(f => f.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        if (fieldList.Count == 0 || fieldList.Any(f => !known.Contains(f)))
        {
            return ("fields", null);
        }
        var purposeList = purposes.SelectMany(p => p.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        if (purposeList.Count == 0 || purposeList.Any(p => !Access.ExchangeCallers.IsCode(p)))
        {
            return ("purposes", null);
        }
        if (string.IsNullOrWhiteSpace(legalBasis) || legalBasis.Trim().Length > 300)
        {
            return ("legal-basis", null);
        }
        // A record type has one writer: the agency that keeps that register.
        if (dataset == Datasets.RecordsWrite)
        {
            var owned = (await db.Grants.AsNoTracking().Where(g => g.Dataset == Datasets.RecordsWrite && g.RevokedAt == null && g.MemberId != member.Id)
                .ToListAsync(cancellationToken)).SelectMany(g => g.FieldList);
            if (owned.Intersect(fieldList).Any())
            {
                return ("type-owned", null);
            }
        }
        var now = clock.GetUtcNow();
        var grant = new Grant
        {
            Id = Guid.CreateVersion7(now), MemberId = member.Id, Dataset = dataset, Fields = string.Join(' ', fieldList),
            Purposes = string.Join(' ', purposeList), LegalBasis = legalBasis.Trim(), ConsentRequired = consentRequired, CreatedAt = now,
        };
        db.Grants.Add(grant);
        Audit(actor, "exchange.grant.added", identifier, JsonSerializer.Serialize(new { grant.Id, dataset, grant.Fields, grant.Purposes, consentRequired }));
        await db.SaveChangesAsync(cancellationToken);
        directory.Clear();
        return (null, grant.Id);
    }

    public async Task<bool> RevokeGrantAsync(Guid grantId, string actor, CancellationToken cancellationToken)
    {
        var grant = await db.Grants.FirstOrDefaultAsync(g => g.Id == grantId && g.RevokedAt == null, cancellationToken);
        if (grant is null)
        {
            return false;
        }
        grant.RevokedAt = clock.GetUtcNow();
        var identifier = await db.Members.Where(m => m.Id == grant.MemberId).Select(m => m.Identifier).FirstAsync(cancellationToken);
        Audit(actor, "exchange.grant.revoked", identifier, JsonSerializer.Serialize(new { grant.Id }));
        await db.SaveChangesAsync(cancellationToken);
        directory.Clear();
        return true;
    }

    /// <summary>Sets (or replaces) the member's webhook; returns the new signing secret, shown once, or an error key: member, url.</summary>
    public async Task<(string? Error, string? Secret)> SetWebhookAsync(string identifier, string url, string actor, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Identifier == identifier, cancellationToken);
        if (member is null)
        {
            return ("member", null);
        }
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            return ("url", null);
        }
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.MemberId == member.Id, cancellationToken);
        if (subscription is null)
        {
            db.Subscriptions.Add(new Subscription { Id = Guid.CreateVersion7(now), MemberId = member.Id, Url = uri.ToString(), Secret = secret, CreatedAt = now });
        }
        else
        {
            subscription.Url = uri.ToString();
            subscription.Secret = secret;
            subscription.Active = true;
        }
        Audit(actor, "exchange.webhook.set", identifier, JsonSerializer.Serialize(new { url = uri.ToString() }));
        await db.SaveChangesAsync(cancellationToken);
        directory.Clear();
        return (null, secret);
    }

    /// <summary>Puts parked deliveries (all, or one) back in the queue, due now; returns how many.</summary>
    public async Task<int> RequeueParkedAsync(Guid? deliveryId, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var parked = await db.Deliveries.Where(d => d.Status == DeliveryStatus.Parked && (deliveryId == null || d.Id == deliveryId)).ToListAsync(cancellationToken);
        foreach (var delivery in parked)
        {
            delivery.Status = DeliveryStatus.Pending;
            delivery.Attempts = 0;
            delivery.NextAttemptAt = now;
        }
        if (parked.Count > 0)
        {
            Audit(actor, "exchange.deliveries.requeued", "exchange:deliveries", JsonSerializer.Serialize(new { count = parked.Count }));
            await db.SaveChangesAsync(cancellationToken);
            directory.Clear();
        }
        return parked.Count;
    }

    private void Audit(string actor, string action, string subject, string? details) =>
        db.Audit(new AuditEvent(actor, action, "Administration of the data exchange")
        {
            Subject = subject.StartsWith("exchange:", StringComparison.Ordinal) ? subject : $"member:{subject}",
            LegalBasis = LegalBasis,
            Details = details,
        });
}
