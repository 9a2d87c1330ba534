using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Dinh.Identity.Persistence;
using Dinh.Platform.Persistence;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Dinh.Identity.Seeding;

/// <summary>
/// The provider's first keys (always), and with Dinh:Demo:Accounts (Development) the demo accounts: the registry's
/// demo officers and an administrator, with a published TOTP key, a level-2 citizen from the demo population, and
/// the sample application's client. Idempotent.
/// </summary>
internal sealed class DemoAccounts(IConfiguration configuration) : IDatabaseSeeder
{
    public const string OfficerPassword = "can-bo-demo-2026";
    public const string CitizenPassword = "cong-dan-demo-2026";

    /// <summary>Base32 TOTP key of every demo staff account: add it to an authenticator app (docs/identity.md).</summary>
    public const string StaffTotpKey = "DINHDEMOSTAFFTOTPKEY2345";

    public static readonly Guid AdministratorId = Guid.Parse("0194a000-0000-7000-8000-0000000000ad");
    public const string AdministratorLogin = "quantri";
    public const string SampleClientId = "dinh-sample";
    public const string SampleClientSecret = "dinh-sample-secret";

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AccountsDbContext>();
        var ring = services.GetRequiredService<ProviderKeyRing>();
        await ProviderKeyRing.EnsureKeysAsync(db, ring.Protector, services.GetRequiredService<TimeProvider>(), cancellationToken);
        if (!configuration.GetValue<bool>("Dinh:Demo:Accounts"))
        {
            return;
        }
        var users = services.GetRequiredService<UserManager<Account>>();
        var store = (IUserAuthenticatorKeyStore<Account>)services.GetRequiredService<IUserStore<Account>>();
        var officers = services.GetRequiredService<OfficerDirectory>();
        foreach (var officer in DemoOfficers.All)
        {
            await officers.UpsertAsync(new Officer
            {
                Id = officer.Id, Login = officer.Login, DisplayName = officer.DisplayName, Role = officer.Role,
                JurisdictionLevel = officer.JurisdictionLevel, JurisdictionCode = officer.JurisdictionCode,
            }, cancellationToken);
            await EnsureStaffAsync(users, store, officer.Id, officer.Login, officer.DisplayName, AccountKind.Officer, cancellationToken);
        }
        await EnsureStaffAsync(users, store, AdministratorId, AdministratorLogin, "Quản trị hệ thống (demo)", AccountKind.Administrator, cancellationToken);
        await EnsureDemoCitizenAsync(services, users, cancellationToken);
        await EnsureSampleClientAsync(services.GetRequiredService<IOpenIddictApplicationManager>(), configuration, cancellationToken);
    }

    /// <summary>The demo citizen's login (their personal ID number), for the start-up banner.</summary>
    public static string? CitizenLogin(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        try
        {
            return db.Accounts.AsNoTracking().Where(a => a.Kind == AccountKind.Citizen && a.Level == AssuranceLevel.Level2)
                .OrderBy(a => a.Id).Select(a => a.UserName).FirstOrDefault();
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            return null;
        }
    }

    private static async Task EnsureStaffAsync(UserManager<Account> users, IUserAuthenticatorKeyStore<Account> store, Guid id, string login, string name, AccountKind kind, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id.ToString()) is not null)
        {
            return;
        }
        var account = new Account
        {
            Id = id, UserName = login, Kind = kind, DisplayName = name, Level = AssuranceLevel.Level2,
            CreatedAt = TimeProvider.System.GetUtcNow(), TwoFactorEnabled = true, LockoutEnabled = true,
        };
        Check(await users.CreateAsync(account, OfficerPassword));
        await store.SetAuthenticatorKeyAsync(account, StaffTotpKey, cancellationToken);
        Check(await users.UpdateAsync(account));
    }

    private static async Task EnsureDemoCitizenAsync(IServiceProvider services, UserManager<Account> users, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AccountsDbContext>();
        if (await db.Accounts.AnyAsync(a => a.Kind == AccountKind.Citizen, cancellationToken))
        {
            return;
        }
        var citizen = await services.GetRequiredService<CitizenDirectory>().AnyAdultAsync(cancellationToken);
        if (citizen is null)
        {
            return;
        }
        var account = new Account
        {
            Id = Guid.CreateVersion7(), UserName = citizen.PersonalIdNumber, Kind = AccountKind.Citizen, CitizenId = citizen.Id,
            Level = AssuranceLevel.Level2, Level2At = TimeProvider.System.GetUtcNow(), CreatedAt = TimeProvider.System.GetUtcNow(),
            PhoneNumber = "+84900000001", PhoneNumberConfirmed = true, LockoutEnabled = true,
        };
        db.Audit(IdentityAudit.Of("system:demo", "account.created", $"account:{account.Id}", "demo data", "development demo", null, "level 2"));
        Check(await users.CreateAsync(account, CitizenPassword));
    }

    private static async Task EnsureSampleClientAsync(IOpenIddictApplicationManager applications, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(SampleClientId, cancellationToken) is not null)
        {
            return;
        }
        var baseUri = configuration["Dinh:Demo:SampleApp"] ?? "http://localhost:5090";
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = SampleClientId,
            ClientSecret = SampleClientSecret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = "Ứng dụng mẫu \"Đăng nhập bằng Dinh\" / Sample app",
            RedirectUris = { new Uri($"{baseUri}/signin-oidc") },
            PostLogoutRedirectUris = { new Uri($"{baseUri}/signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Prefixes.Scope + ScopeCatalog.Birthdate, Permissions.Prefixes.Scope + ScopeCatalog.PersonalId,
                Permissions.Prefixes.Scope + OpenIddictConstants.Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        ClientSettings.Write(descriptor, AssuranceLevel.Level1, null, null, "ES256");
        await applications.CreateAsync(descriptor, cancellationToken);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Demo account: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
