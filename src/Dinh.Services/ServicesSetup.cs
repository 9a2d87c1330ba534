using Dinh.Identity.Contracts;
using Dinh.Platform.Persistence;
using Dinh.Platform.Web;
using Dinh.Services.Attachments;
using Dinh.Services.Bundles;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Payments;
using Dinh.Services.Persistence;
using Dinh.Services.Processing;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Services;

public static class ServicesSetup
{
    public static IServiceCollection AddServicesModule(this IServiceCollection services)
    {
        services.AddDinhDbContext<ServicesDbContext>();
        services.AddSingleton<IDatabaseSeeder, CatalogueSeeder>();
        services.AddSingleton<IDatabaseSeeder, HolidaySeeder>();
        services.AddScoped<ProcedureCatalogue>();
        services.AddScoped<WorkingCalendar>();
        services.AddScoped<Dinh.Identity.Contracts.IWorkingDayCalendar, IdentityWorkingDays>();
        services.AddScoped<ApplicationForm>();
        services.AddScoped<DossierNotices>();
        services.AddScoped<RegistryEffects>();
        services.AddScoped<DataSubjectRequests.DataSubjectAnswers>();
        services.AddSingleton<BundleSignal>();
        services.AddSingleton<IAttachmentScanner, DevelopmentAttachmentScanner>();
        services.AddSingleton<DevelopmentPaymentGateway>();
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<DevelopmentPaymentGateway>());
        DevelopmentAdapterGuard.Add(services);
        services.AddHostedService<BundleWorker>();
        services.AddPortalLink(new PortalLink(PortalArea.Citizen, "/citizen/services", "Dịch vụ công trực tuyến", "Online public services",
            "Tìm thủ tục, nộp hồ sơ (dữ liệu đã có được điền sẵn), nộp liên thông khai sinh, khai tử.",
            "Find a procedure, submit a dossier (data the state holds is prefilled), interconnected birth and death procedures."));
        services.AddPortalLink(new PortalLink(PortalArea.Citizen, "/citizen/dossiers", "Hồ sơ của tôi", "My dossiers",
            "Theo dõi trạng thái, bổ sung, rút hồ sơ và nhận kết quả.", "Follow status, supplement, withdraw and get results.")
        { ShownTo = SignedInCitizens.IsCitizenAccount });
        services.AddPortalLink(new PortalLink(PortalArea.Officer, "/officer/dossiers", "Hồ sơ cần xử lý", "Dossiers to process",
            "Hàng đợi của cơ quan và địa bàn, hạn sớm nhất trước; tiếp nhận, yêu cầu bổ sung, từ chối, phê duyệt.",
            "Your agency's and jurisdiction's queue, earliest deadline first; accept, request a supplement, reject, approve.")
        { ShownTo = static user => OfficerPrincipal.From(user) is not null });
        services.AddPortalLink(new PortalLink(PortalArea.Administration, "/admin/procedures", "Định nghĩa thủ tục", "Procedure definitions",
            "Danh mục thủ tục và các phiên bản; thêm phiên bản mới (JSON, có kiểm tra).", "The catalogue and its versions; add a version (JSON, validated).")
        { ShownTo = static user => user.IsInRole(StaffRoles.Administrator) });
        services.AddPortalLink(new PortalLink(PortalArea.Administration, "/admin/holidays", "Ngày nghỉ lễ", "Public holidays",
            "Bảng ngày nghỉ theo năm dùng để tính thời hạn.", "The yearly holiday table deadlines are computed with.")
        { ShownTo = static user => user.IsInRole(StaffRoles.Administrator) });
        return services;
    }

    public static IEndpointRouteBuilder MapServicesModule(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/services").WithTags("Services");
        CatalogueApi.Map(api);
        SubmitDossier.Map(api);
        MyDossiers.Map(api);
        ResultDocuments.Map(api);
        SubmitBundle.Map(api);
        ProcessDossier.Map(api);
        AttachDocument.Map(api);
        PayFee.Map(api);
        DevelopmentGatewayPage.Map(endpoints);
        return endpoints;
    }
}
