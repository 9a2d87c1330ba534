using Dinh.Platform.Persistence;
using Dinh.Registry.Import;
using Dinh.Registry.Persistence;
using Dinh.Registry.Seeding;
using Dinh.Registry.Units;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry;

public static class RegistrySetup
{
    public static IServiceCollection AddRegistry(this IServiceCollection services)
    {
        services.AddDinhDbContext<RegistryDbContext>();
        services.AddScoped<ImportCitizens>();
        services.AddScoped<ExportCitizens>();
        services.AddUnits();
        // After the units loader: the demo population lives in real communes.
        services.AddScoped<SeedPopulation>();
        services.AddSingleton<IDatabaseSeeder, DemoPopulation>();
        return services;
    }

    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapUnits();
        return endpoints;
    }
}
