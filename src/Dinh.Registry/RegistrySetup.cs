using Dinh.Platform.Auditing;
using Dinh.Platform.Persistence;
using Dinh.Platform.Web;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Events;
using Dinh.Registry.Households;
using Dinh.Registry.Import;
using Dinh.Registry.Officers;
using Dinh.Registry.Persistence;
using Dinh.Registry.Quality;
using Dinh.Registry.Seeding;
using Dinh.Registry.Units;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dinh.Registry;

public static class RegistrySetup
{
    public static IServiceCollection AddRegistry(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddDinhDbContext<RegistryDbContext>();
        services.AddReadAudit<RegistryDbContext>();
        services.AddScoped<ImportCitizens>();
        services.AddScoped<ExportCitizens>();
        services.AddUnits();
        // After the units loader: the demo population lives in real communes.
        services.AddScoped<SeedPopulation>();
        services.AddSingleton<IDatabaseSeeder, DemoPopulation>();
        services.AddScoped<RegistryAccess>();
        services.AddSingleton<CitizenLookups>();
        services.AddScoped<CitizenDirectory>();
        services.AddScoped<Guardianships>();
        services.AddScoped<PersonRecords>();
        services.AddScoped<SubjectAccessRecords>();
        services.AddScoped<RegistryChangeFeed>();
        services.AddScoped<OfficerDirectory>();
        services.AddScoped<OfficerJurisdictions>();
        services.AddScoped<CivilRegistration>();
        services.AddSingleton<QualityCheck.RunGate>();
        services.AddScoped<QualityCheck>();
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/quality", "Chất lượng dữ liệu", "Data quality",
            "Danh sách phát hiện: số định danh không khớp, thiếu trường bắt buộc, nghi trùng, đã mất còn cư trú, tạm trú hết hạn, địa chỉ trên đơn vị đã giải thể.",
            "Findings to review: inconsistent ID numbers, missing fields, duplicate candidates, deceased with residence, expired temporary residence, abolished units.")
        { ShownTo = static user => SignedInOfficer.From(user)?.May(OfficerTask.DataQuality) == true });
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/citizens", "Tra cứu công dân", "Find a citizen",
            "Tìm theo số định danh, họ tên và ngày sinh, hoặc theo xã/phường; xem hồ sơ, lịch sử thay đổi và hộ gia đình.",
            "Search by personal ID number, by name and date of birth, or by commune; open the record, its history and household.")
        { ShownTo = static user => SignedInOfficer.From(user) is not null });
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/citizens/birth", "Đăng ký khai sinh", "Register a birth",
            "Tạo hồ sơ công dân và cấp số định danh cá nhân mới.", "Create the citizen record and assign a new personal ID number.")
        { ShownTo = static user => SignedInOfficer.From(user)?.May(OfficerTask.CivilStatus) == true });

        return services;
    }

    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapUnits();
        var api = endpoints.MapGroup("/api/registry").WithTags("Registry");
        SearchCitizens.Map(api);
        GetCitizen.Map(api);
        CitizenTimeline.Map(api);
        CorrectCitizen.Map(api);
        RegisterBirth.Map(api);
        RegisterDeath.Map(api);
        CancelDeath.Map(api);
        RegisterMarriage.Map(api);
        RegisterDivorce.Map(api);
        RegisterNameChange.Map(api);
        Guardians.RegisterGuardianship.Map(api);
        ChangeResidence.Map(api);
        Deregister.Map(api);
        SeparateHousehold.Map(api);
        GetHousehold.Map(api);
        QualityApi.Map(api);
        return endpoints;
    }
}
