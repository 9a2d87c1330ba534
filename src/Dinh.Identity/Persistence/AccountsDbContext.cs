using Dinh.Identity.Accounts;
using Dinh.Identity.Level2;
using Dinh.Identity.Oidc;
using Dinh.Platform.Auditing;
using Dinh.Platform.Messaging;
using Dinh.Platform.Persistence;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Persistence;

/// <summary>
/// Accounts (ASP.NET Core Identity's user tables, mapped here because the context derives from Dinh's audited base
/// rather than IdentityDbContext), sessions, login history, one-time codes, level-2 checks and applications, the provider's keys and
/// OpenIddict's applications, authorizations, scopes and tokens.
/// </summary>
public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options)
    : DinhDbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<AccountSession> Sessions => Set<AccountSession>();
    public DbSet<LoginEvent> LoginEvents => Set<LoginEvent>();
    public DbSet<OneTimeCode> OneTimeCodes => Set<OneTimeCode>();
    public DbSet<Level2Verification> Level2Verifications => Set<Level2Verification>();
    public DbSet<Level2Application> Level2Applications => Set<Level2Application>();
    public DbSet<ProviderKey> ProviderKeys => Set<ProviderKey>();
    public DbSet<Locks.AccountLockRequest> LockRequests => Set<Locks.AccountLockRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapAuditTrail();
        modelBuilder.MapOutbox();
        MapIdentity(modelBuilder);
        modelBuilder.UseOpenIddict<Guid>();
        // Read-only, the registry's table: a sign-in's account and its holder's vital status in one query (ADR 0028).
        modelBuilder.MapCitizenVitalStatus();
        // OpenIddict's tables keep their default names, snake-cased like the rest.
        modelBuilder.Entity<AccountSession>(session =>
        {
            session.ToTable("account_sessions");
            session.HasIndex(s => s.AccountId);
            session.Property(s => s.Device).HasMaxLength(200);
            session.Property(s => s.Address).HasMaxLength(64);
            session.Property(s => s.Methods).HasMaxLength(40);
        });
        modelBuilder.Entity<LoginEvent>(login =>
        {
            login.ToTable("account_logins");
            login.HasIndex(l => new { l.AccountId, l.At });
            login.Property(l => l.Client).HasMaxLength(200);
            login.Property(l => l.Device).HasMaxLength(200);
            login.Property(l => l.Address).HasMaxLength(64);
        });
        modelBuilder.Entity<OneTimeCode>(code =>
        {
            code.ToTable("one_time_codes");
            code.Property(c => c.CodeHash).HasMaxLength(32);
            code.Property(c => c.Phone).HasMaxLength(16);
            code.Property(c => c.Email).HasMaxLength(254);
            code.HasIndex(c => c.ExpiresAt);
        });
        modelBuilder.Entity<Level2Verification>(check =>
        {
            check.ToTable("level2_verifications");
            check.HasIndex(c => c.AccountId);
            check.Property(c => c.OfficeUnitCode).HasMaxLength(5);
            check.Property(c => c.CardNumber).HasMaxLength(12);
            check.Property(c => c.Device).HasMaxLength(100);
        });
        modelBuilder.Entity<Level2Application>(application =>
        {
            application.ToTable("level2_applications");
            // One open application per citizen, on every instance.
            application.HasIndex(a => a.CitizenId).IsUnique().HasFilter("status = 1");
            application.HasIndex(a => new { a.Status, a.DueOn });
            // Of two officers deciding the same application at once, one wins.
            application.Property(a => a.Status).IsConcurrencyToken();
            application.Property(a => a.OfficeUnitCode).HasMaxLength(5);
            application.Property(a => a.Phone).HasMaxLength(16);
            application.Property(a => a.CardNumber).HasMaxLength(12);
            application.Property(a => a.FaceCapture).HasMaxLength(100);
            application.Property(a => a.FingerprintCapture).HasMaxLength(100);
            application.Property(a => a.RefusalReason).HasMaxLength(500);
        });
        modelBuilder.Entity<Locks.AccountLockRequest>(request =>
        {
            request.ToTable("account_lock_requests");
            // One open request per account, on every instance.
            request.HasIndex(r => r.AccountId).IsUnique().HasFilter("status = 1");
            request.HasIndex(r => new { r.Status, r.DueOn });
            // Of two officers deciding the same request at once, one wins.
            request.Property(r => r.Status).IsConcurrencyToken();
            request.Property(r => r.Reason).HasMaxLength(Locks.AccountLockRequest.ReasonLength);
            request.Property(r => r.RefusalReason).HasMaxLength(Locks.AccountLockRequest.ReasonLength);
            request.Property(r => r.OfficeUnitCode).HasMaxLength(5);
        });
        modelBuilder.Entity<ProviderKey>(key =>
        {
            key.ToTable("provider_keys");
            key.HasIndex(k => k.KeyId).IsUnique();
            key.Property(k => k.Algorithm).HasMaxLength(10);
            key.Property(k => k.KeyId).HasMaxLength(64);
        });
    }

    // What IdentityUserContext<TUser, Guid> would configure, for the tables the user-only store uses.
    private static void MapIdentity(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts");
            account.HasKey(a => a.Id);
            account.HasIndex(a => a.NormalizedUserName).IsUnique();
            account.HasIndex(a => a.NormalizedEmail);
            account.HasIndex(a => a.CitizenId).IsUnique();
            account.HasIndex(a => a.GuardianAccountId);
            // The expiry job's query; almost every account has no end date.
            account.HasIndex(a => a.LockEndsOn).HasFilter("lock_ends_on IS NOT NULL");
            account.Property(a => a.ConcurrencyStamp).IsConcurrencyToken();
            account.Property(a => a.UserName).HasMaxLength(256);
            account.Property(a => a.NormalizedUserName).HasMaxLength(256);
            account.Property(a => a.Email).HasMaxLength(256);
            account.Property(a => a.NormalizedEmail).HasMaxLength(256);
            account.Property(a => a.PhoneNumber).HasMaxLength(16);
            account.Property(a => a.DisplayName).HasMaxLength(200);
            account.Property(a => a.LockReason).HasMaxLength(500);
            account.Property(a => a.PasswordHash).HasMaxLength(400);
            account.Property(a => a.SecurityStamp).HasMaxLength(64);
            account.Property(a => a.ConcurrencyStamp).HasMaxLength(64);
            account.HasMany<IdentityUserClaim<Guid>>().WithOne().HasForeignKey(c => c.UserId).IsRequired();
            account.HasMany<IdentityUserLogin<Guid>>().WithOne().HasForeignKey(l => l.UserId).IsRequired();
            account.HasMany<IdentityUserToken<Guid>>().WithOne().HasForeignKey(t => t.UserId).IsRequired();
        });
        modelBuilder.Entity<IdentityUserClaim<Guid>>(claim =>
        {
            claim.ToTable("account_claims");
            claim.HasKey(c => c.Id);
        });
        modelBuilder.Entity<IdentityUserLogin<Guid>>(login =>
        {
            login.ToTable("account_external_logins");
            login.HasKey(l => new { l.LoginProvider, l.ProviderKey });
            login.Property(l => l.LoginProvider).HasMaxLength(128);
            login.Property(l => l.ProviderKey).HasMaxLength(128);
        });
        modelBuilder.Entity<IdentityUserToken<Guid>>(token =>
        {
            token.ToTable("account_tokens");
            token.HasKey(t => new { t.UserId, t.LoginProvider, t.Name });
            token.Property(t => t.LoginProvider).HasMaxLength(128);
            token.Property(t => t.Name).HasMaxLength(128);
        });
    }
}
