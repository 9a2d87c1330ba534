using Dinh.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>Hosted registries (GovStack Digital Registries 1.3.0), a feature of the exchange with its own context.</summary>
internal static class HostedRegistriesSetup
{
    public static IServiceCollection AddHostedRegistries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InformationMediatorOptions>().Bind(configuration.GetSection(InformationMediatorOptions.Section))
            .Validate(options => options.Networks() is not null).ValidateOnStart();
        services.AddDinhDbContext<HostedRegistriesDbContext>();
        services.AddScoped<RegistryCallers>();
        services.AddScoped<RegistryGate>();
        services.AddScoped<RegistryLoader>();
        services.AddScoped<RegistryGrants>();
        return services;
    }

    /// <summary>The GovStack paths, from the server root as the specification gives them.</summary>
    public static IEndpointRouteBuilder MapHostedRegistries(this IEndpointRouteBuilder endpoints)
    {
        var data = endpoints.MapGroup("/data").WithTags("GovStack Data API");
        ReadRecords.Map(data);
        WriteRecords.Map(data);
        PersonalDataUsage.Map(data);
        DatabaseApi.Map(endpoints);
        return endpoints;
    }
}
