using System.Net;
using Dinh.Services;
using Dinh.Services.Attachments;
using Dinh.Services.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Services;

/// <summary>The development scanner and payment gateway never run outside Development unless the operator says so.</summary>
public sealed class DevelopmentAdapterTests(ServicesSqliteApp app) : IClassFixture<ServicesSqliteApp>
{
    // The guard runs as host start-up validation (ValidateOnStart): `dinh serve` prints its failure as one
    // "configuration error" line and exits 2. WebApplicationFactory hides a failed start behind a disposed provider,
    // so the rule is checked here on the validator itself, with the adapters the module registers.
    [Theory]
    [InlineData("Production", false, false, "DevelopmentAttachmentScanner, DevelopmentPaymentGateway")]
    [InlineData("Staging", false, false, "DevelopmentAttachmentScanner, DevelopmentPaymentGateway")]
    [InlineData("Production", true, false, null)]
    [InlineData("Development", false, false, null)]
    [InlineData("Production", false, true, null)]
    public void Outside_Development_the_development_adapters_refuse_to_start_unless_allowed_or_replaced(string environment, bool allowed, bool real,
        string? named)
    {
        var services = new ServiceCollection();
        var host = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment };
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostEnvironment>(host);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        if (real)
        {
            services.AddSingleton<IAttachmentScanner>(new RealScanner());
            services.AddSingleton<IPaymentGateway>(new RealGateway());
        }
        else
        {
            services.AddSingleton<IAttachmentScanner, DevelopmentAttachmentScanner>();
            services.AddSingleton<IPaymentGateway, DevelopmentPaymentGateway>();
        }
        using var provider = services.BuildServiceProvider();
        var guard = new DevelopmentAdapterGuard(host, provider);

        var result = guard.Validate(null, new DevelopmentAdapterOptions { AllowDevelopmentAdapters = allowed });

        Assert.Equal(named is null, result.Succeeded);
        if (named is not null)
        {
            Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
            Assert.Contains("Dinh__Services__AllowDevelopmentAdapters", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    private sealed class RealScanner : IAttachmentScanner
    {
        public Task<ScanVerdict> ScanAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => Task.FromResult(ScanVerdict.Clean);
    }

    private sealed class RealGateway : IPaymentGateway
    {
        public string RedirectUrl(Guid paymentId, long amountVnd) => "https://gateway.example/pay";

        public bool IsGenuine(PaymentCallback callback) => false;
    }

    [Fact]
    public async Task Outside_Development_the_explicit_setting_lets_the_development_adapters_run()
    {
        using var production = app.Require().Factory.WithWebHostBuilder(host => host.UseEnvironment("Production")
            .UseSetting("Dinh:Messaging:Dispatch", "false").UseSetting("Dinh:Services:AllowDevelopmentAdapters", "true"));
        using var client = production.CreateClient();

        using var catalogue = await client.GetAsync("/api/services/procedures");

        Assert.Equal(HttpStatusCode.OK, catalogue.StatusCode);
    }
}
