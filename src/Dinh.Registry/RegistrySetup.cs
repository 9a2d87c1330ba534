using Dinh.Platform.Persistence;
using Dinh.Registry.Import;
using Dinh.Registry.Persistence;
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
        return services;
    }

    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapUnits();
        return endpoints;
    }
}
