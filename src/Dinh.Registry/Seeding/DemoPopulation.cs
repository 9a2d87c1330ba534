using Dinh.Platform.Persistence;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dinh.Registry.Seeding;

/// <summary>
/// The small demo population of a first start (Dinh:Demo:Citizens, default 300; Development turns it on with
/// Dinh:Demo:Seed): a newcomer finds citizens, households and residences to search and open right away.
/// </summary>
internal sealed partial class DemoPopulation(IConfiguration configuration, ILogger<DemoPopulation> logger) : IDatabaseSeeder
{
    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("Dinh:Demo:Seed"))
        {
            return;
        }
        var db = services.GetRequiredService<RegistryDbContext>();
        if (await db.Citizens.AnyAsync(cancellationToken))
        {
            return;
        }
        var count = configuration.GetValue("Dinh:Demo:Citizens", 300);
        var result = await services.GetRequiredService<SeedPopulation>().RunAsync(count, randomSeed: 6, progress: null, cancellationToken,
            focusCommunes: DemoOfficers.All.Select(o => o.JurisdictionCode).OfType<string>().ToList());
        LogSeeded(logger, result.Citizens, result.Households, result.Elapsed.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo population: {Citizens} synthetic citizens in {Households} households ({Seconds:N1} s)")]
    private static partial void LogSeeded(ILogger logger, int citizens, int households, double seconds);
}
