using Dinh.Platform.Persistence;
using Dinh.Platform.Web;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Units;

internal static class UnitsSetup
{
    public static IServiceCollection AddUnits(this IServiceCollection services)
    {
        services.AddSingleton<IDatabaseSeeder, UnitReferenceLoader>();
        services.AddScoped<UnitDirectory>();
        services.AddScoped<RemapAddresses>();
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/units",
            "Đơn vị hành chính", "Administrative units",
            "Tra cứu tỉnh, huyện, xã theo mã hoặc tên, theo ngày: cấu trúc ba cấp đến 30/6/2025 và hai cấp từ 1/7/2025.",
            "Look up provinces, districts and communes by code or name on a date: three levels until 30 June 2025, two from 1 July 2025."));
        return services;
    }

    public static IEndpointRouteBuilder MapUnits(this IEndpointRouteBuilder endpoints) => endpoints.MapUnitsApi();

    /// <summary>The tables this feature adds to the registry's model.</summary>
    public static void MapUnitTables(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<UnitReferenceVersion>(version =>
        {
            version.ToTable("admin_unit_reference");
            version.Property(v => v.Id).ValueGeneratedNever();
            version.Property(v => v.Version).HasMaxLength(40);
        });
        modelBuilder.Entity<AddressRemapWorkItem>(item =>
        {
            item.ToTable("address_remap_worklist");
            item.Ignore(i => i.Candidates);
            item.Property(i => i.OldCode).HasMaxLength(5);
            item.Property(i => i.CandidateCodes).HasMaxLength(200);
            item.Property(i => i.ResolvedBy).HasMaxLength(100);
            // One item per address and old code: a second run of the verb adds nothing.
            item.HasIndex(i => new { i.AddressKind, i.AddressId, i.OldCode }).IsUnique();
            item.HasIndex(i => i.Status);
        });
    }
}
