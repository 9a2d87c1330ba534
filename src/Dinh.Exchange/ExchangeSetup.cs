using Dinh.Platform.Auditing;
using Dinh.Identity.Contracts;
using Dinh.Exchange.Access;
using Dinh.Exchange.Events;
using Dinh.Exchange.HostedRegistries;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Exchange.Persons;
using Dinh.Platform.Persistence;
using Dinh.Platform.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Exchange;

public static class ExchangeSetup
{
    public static IServiceCollection AddExchange(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Dinh:Exchange");
        services.Configure<ExchangeOptions>(section);
        services.AddDinhDbContext<ExchangeDbContext>();
        services.AddReadAudit<ExchangeDbContext>();
        services.AddSingleton<MemberRateLimiter>();
        services.AddSingleton<MemberDirectory>();
        services.AddScoped<ExchangeCallers>();
        services.AddScoped<AccessRecorder>();
        services.AddScoped<CitizenConsents>();
        services.AddScoped<Contracts.PersonalDataHoldings>();
        services.AddScoped<Contracts.ConsentRestrictions>();
        services.AddScoped<MemberAdministration>();
        services.AddScoped<EventFanOut>();
        services.AddHostedRegistries(configuration);
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<WebhookDispatcher>();
        if (section.GetValue("Deliver", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        }
        services.AddPortalLink(new PortalLink(PortalArea.Citizen, "/account/data-usage", "Ai đã dùng dữ liệu của tôi", "Who used my data",
            "Mọi lần tra cứu, xác thực và thông báo sự kiện về bạn: cơ quan nào, mục đích gì, khi nào, trường nào; quản lý sự đồng ý.",
            "Every lookup, verification and event about you: which agency, why, when and which fields; manage your consents."));
        services.AddPortalLink(new PortalLink(PortalArea.Administration, "/admin/exchange", "Chia sẻ dữ liệu", "Data exchange",
            "Thành viên, quyền truy cập, webhook và các lần gửi bị tạm dừng.", "Members, grants, webhooks and parked deliveries.")
        { ShownTo = static user => user.IsInRole(StaffRoles.Administrator) });
        return services;
    }

    public static IEndpointRouteBuilder MapExchange(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/exchange").WithTags("Exchange");
        LookupPerson.Map(api);
        VerifyPerson.Map(api);
        EventFeed.Map(api);
        Records.PutSectorRecord.Map(api);
        Records.GetSectorRecords.Map(api);
        endpoints.MapHostedRegistries();
        return endpoints;
    }
}
