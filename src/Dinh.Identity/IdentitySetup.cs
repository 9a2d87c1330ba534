using Dinh.Identity.Accounts;
using Dinh.Identity.Level2;
using Dinh.Identity.Oidc;
using Dinh.Identity.Persistence;
using Dinh.Identity.Registration;
using Dinh.Identity.Seeding;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Dinh.Platform.Web;
using Dinh.Registry.Contracts;
using Dinh.Registry.Officers;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Dinh.Identity;

public static class IdentitySetup
{
    /// <summary>
    /// PBKDF2-HMAC-SHA512 (Identity's V3 format) at OWASP's 2023 figure of 210,000 iterations: how passwords were hashed
    /// before Argon2id (ADR 0022). Such hashes still verify, and are replaced at the next successful sign-in.
    /// </summary>
    public static PasswordHasherOptions HasherOptions { get; } = new() { IterationCount = 210_000 };

    public static IServiceCollection AddIdentityModule(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddDinhDbContext<AccountsDbContext>();
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = HasherOptions.IterationCount);
        services.AddOptions<PasswordHashOptions>().BindConfiguration(PasswordHashOptions.Section)
            .Validate(o => o.IsStrongEnough, "Dinh:Identity:PasswordHash (env Dinh__Identity__PasswordHash__MemoryKiB, __Passes) is weaker than OWASP's Argon2id minimum: MemoryKiB must be at least 7168 and MemoryKiB x Passes at least 35840 (the default is 47104 x 1).")
            .Validate(o => o.MaxConcurrent is >= 1 and <= 1024, "Dinh:Identity:PasswordHash:MaxConcurrent (env Dinh__Identity__PasswordHash__MaxConcurrent) must be between 1 and 1024.")
            .ValidateOnStart();
        services.AddIdentityCore<Account>(options =>
            {
                options.User.RequireUniqueEmail = false;
                options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@";
                // NIST SP 800-63B: length, not composition rules.
                options.Password.RequiredLength = 10;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 4;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddUserStore<AccountStore>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<TotpSecondFactor>(TokenOptions.DefaultAuthenticatorProvider);
        services.Replace(ServiceDescriptor.Singleton<IPasswordHasher<Account>, Argon2idPasswordHasher<Account>>());
        services.AddSingleton<UnknownLoginHash>();
        services.AddHostedService<HugePagesAdvice>();
        services.AddAuthentication(AccountCookie.Scheme).AddCookie(AccountCookie.Scheme, AccountCookie.Configure);
        services.AddAuthorizationBuilder()
            .AddPolicy(IdentityPolicies.Administrator, p => p.AddAuthenticationSchemes(AccountCookie.Scheme).RequireRole(AccountCookie.AdministratorRole));

        services.AddSingleton(sp => new RecentSessionChecks(sp.GetRequiredService<TimeProvider>(),
            configuration.GetValue("Dinh:Identity:SessionCheckInterval", TimeSpan.FromSeconds(5))));
        services.AddScoped<AccountSignIn>();
        services.AddReadAudit<AccountsDbContext>();
        services.AddSingleton<AccountLookups>();
        services.AddScoped<RaiseToLevel2>();
        services.AddScoped<OneTimeCodes>();
        services.AddScoped<Dinh.Identity.Contracts.SignedInCitizens>();
        services.AddScoped<ClientRegistration>();
        services.AddScoped<Contracts.SystemClients>();
        services.AddScoped<Contracts.StaffStatus>();
        services.AddScoped<AccountsFollowRegistry>();
        services.AddScoped<ICitizenLifeEvents>(sp => sp.GetRequiredService<AccountsFollowRegistry>());
        services.AddSingleton<GuardianshipExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<GuardianshipExpiry>());
        services.AddScoped<Locks.LockRequests>();
        services.AddScoped<StaffTotpReset>();
        services.AddScoped<StaffAccounts>();
        services.AddSingleton<Locks.LockExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<Locks.LockExpiry>());
        services.AddSingleton<IBiometricVerifier, DevelopmentBiometricVerifier>();
        services.AddOidcProvider(configuration, environment);
        services.AddSingleton<IDatabaseSeeder, DemoAccounts>();
        if (configuration.GetValue<bool>("Dinh:Demo:Accounts"))
        {
            var staff = $"{DemoAccounts.OfficerPassword} + TOTP key {DemoAccounts.StaffTotpKey}";
            foreach (var officer in DemoOfficers.All)
            {
                services.AddSingleton(new DemoAccount($"officer ({officer.Role}, {officer.JurisdictionCode ?? "national"})", officer.Login, staff));
            }
            services.AddSingleton(new DemoAccount("administrator", DemoAccounts.AdministratorLogin, staff));
            // Resolved when the banner prints, after the seeders have run: the demo citizen's ID number comes from the database.
            services.AddSingleton(sp => new DemoAccount("citizen (level 2)", DemoAccounts.CitizenLogin(sp) ?? "(no demo population)", DemoAccounts.CitizenPassword));
        }

        services.AddPortalLink(new PortalLink(PortalArea.Citizen, "/account/register", "Đăng ký tài khoản định danh điện tử", "Register an e-ID account",
            "Tài khoản mức 1: số định danh cá nhân, họ tên, ngày sinh, số điện thoại; xác minh bằng mã gửi qua SMS.",
            "Level 1: personal ID number, name, date of birth and phone, verified by a code sent by SMS."));
        services.AddPortalLink(new PortalLink(PortalArea.Citizen, "/account", "Tài khoản của tôi", "My account",
            "Mật khẩu, xác thực hai bước, phiên đăng nhập, lịch sử đăng nhập, ứng dụng đã kết nối.",
            "Password, two-step verification, sessions, sign-in history, connected apps."));
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/eid", "Định danh điện tử mức 2", "e-ID level 2",
            "Kiểm tra thẻ căn cước gắn chip và sinh trắc học, nâng tài khoản lên mức 2; đề nghị khóa, mở khóa tài khoản.",
            "Check the chip card and biometrics, raise an account to level 2; request an account's lock or unlock.")
        { ShownTo = IsPoliceOfficer });
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/eid/queue", "Yêu cầu nâng mức 2 chờ xử lý", "Level-2 applications to finish",
            "Các yêu cầu chờ kết quả sinh trắc học hoặc thẻ căn cước mới, hạn sớm nhất trước; hoàn tất hoặc từ chối có lý do.",
            "Applications waiting for the biometric device or a new card, earliest due first; complete or refuse with a reason.")
        { ShownTo = IsPoliceOfficer });
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/eid/locks", "Yêu cầu khóa, mở khóa tài khoản", "Lock and unlock requests",
            "Yêu cầu của công an xã, tỉnh chờ Cục C06 quyết định trong 2 ngày làm việc, hạn sớm nhất trước; phê duyệt hoặc từ chối có lý do.",
            "Requests from commune and provincial police awaiting the C06 decision within 2 working days, earliest due first; approve or refuse with a reason.")
        { ShownTo = MayFileOrDecideLocks });
        services.AddPortalLink(new PortalLink(PortalArea.Administration, "/admin/staff", "Tài khoản cán bộ", "Staff accounts",
            "Cán bộ và quản trị viên; đặt lại xác thực hai bước khi mất thiết bị xác thực (có lý do, ghi nhật ký).",
            "Officers and administrators; reset the second factor of one who lost their authenticator (with a reason, audited).")
        { ShownTo = static user => user.IsInRole(AccountCookie.AdministratorRole) });
        services.AddPortalLink(new PortalLink(PortalArea.Administration, "/admin/clients", "Ứng dụng kết nối (OpenID Connect)", "Applications (OpenID Connect)",
            "Đăng ký ứng dụng bên thứ ba đăng nhập bằng Dinh: địa chỉ chuyển hướng, phạm vi, mức định danh tối thiểu.",
            "Register third-party applications that log in with Dinh: redirect URIs, scopes, minimum level.")
        { ShownTo = static user => user.IsInRole(AccountCookie.AdministratorRole) });
        return services;
    }

    // Which officers the officer area lists the e-ID pages to: the pages' own rules, from the sign-in's claims.
    private static bool IsPoliceOfficer(System.Security.Claims.ClaimsPrincipal user) =>
        OfficerPrincipal.From(user) is { } officer && RaiseToLevel2.IsPolice(officer.Role);

    private static bool MayFileOrDecideLocks(System.Security.Claims.ClaimsPrincipal user) =>
        OfficerPrincipal.From(user) is { } officer
        && (Locks.LockRequests.MayFile(officer.Role, officer.Jurisdiction.Level) || Locks.LockRequests.MayDecide(officer.Role, officer.Jurisdiction.Level));

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOidcEndpoints();
        return endpoints;
    }
}

public static class IdentityPolicies
{
    public const string Administrator = "administrator";
}
