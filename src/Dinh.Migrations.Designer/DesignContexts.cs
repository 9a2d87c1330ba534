using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Dinh.Exchange.Persistence;
using Dinh.Identity.Persistence;
using Dinh.Registry.Persistence;
using Dinh.Services.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Migrations.Designer;

/// <summary>Every module context, built for a provider without a database: add a line when a module adds a context.</summary>
internal sealed record DesignContexts(string Name, Func<DatabaseProvider, DbContext> Create)
{
    private static readonly AuditTrail Trail = new(TimeProvider.System, 1);

    public static readonly IReadOnlyList<DesignContexts> All =
    [
        new("Platform", provider => new PlatformDbContext(Options<PlatformDbContext>(provider))),
        new("Registry", provider => new RegistryDbContext(Options<RegistryDbContext>(provider))),
        new("Identity", provider => new AccountsDbContext(Options<AccountsDbContext>(provider))),
        new("Services", provider => new ServicesDbContext(Options<ServicesDbContext>(provider))),
        new("Exchange", provider => new ExchangeDbContext(Options<ExchangeDbContext>(provider))),
        new("HostedRegistries", provider => new Dinh.Exchange.HostedRegistries.HostedRegistriesDbContext(Options<Dinh.Exchange.HostedRegistries.HostedRegistriesDbContext>(provider))),
    ];

    public static DbContextOptions<T> Options<T>(DatabaseProvider provider) where T : DbContext =>
        (DbContextOptions<T>)new DbContextOptionsBuilder<T>()
            .UseDinhDatabase(new DatabaseOptions
            {
                Provider = provider.ToString(),
                ConnectionString = provider == DatabaseProvider.Sqlite ? "Data Source=design.db" : "Host=localhost;Database=design",
            })
            .UseAuditTrail(Trail)
            .Options;
}
