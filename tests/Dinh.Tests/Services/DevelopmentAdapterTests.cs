using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Dinh.Tests.Services;

/// <summary>The development scanner and payment gateway never run outside Development unless the operator says so.</summary>
public sealed class DevelopmentAdapterTests(ServicesSqliteApp app) : IClassFixture<ServicesSqliteApp>
{
    [Fact]
    public void Outside_Development_the_server_refuses_to_start_on_the_development_adapters_naming_the_setting()
    {
        // Not dispatching: outside Development a dispatching instance would also refuse to start without real senders.
        using var production = app.Require().Factory.WithWebHostBuilder(host =>
            host.UseEnvironment("Production").UseSetting("Dinh:Messaging:Dispatch", "false"));

        var refusal = Assert.ThrowsAny<OptionsValidationException>(() => production.CreateClient());

        var failure = Assert.Single(refusal.Failures);
        Assert.Contains("DevelopmentAttachmentScanner, DevelopmentPaymentGateway", failure, StringComparison.Ordinal);
        Assert.Contains("Dinh__Services__AllowDevelopmentAdapters", failure, StringComparison.Ordinal);
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
