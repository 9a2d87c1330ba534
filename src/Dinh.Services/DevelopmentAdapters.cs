using Dinh.Services.Attachments;
using Dinh.Services.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dinh.Services;

/// <summary>Whether this instance may run the development scanner and payment gateway outside Development.</summary>
public sealed class DevelopmentAdapterOptions
{
    public const string Section = "Dinh:Services";

    /// <summary><c>Dinh:Services:AllowDevelopmentAdapters</c>: run them knowingly (benchmarks, test rigs), never silently.</summary>
    public bool AllowDevelopmentAdapters { get; set; }
}

/// <summary>
/// Outside Development the server refuses to start while the attachment scanner or the payment gateway is still the
/// development adapter (which scans nothing and whose payments are not money), unless the operator says so. Checked
/// when the host starts (<c>ValidateOnStart</c>), so `dinh serve` ends with one line naming the setting; the
/// maintenance verbs, which never scan or charge, are not stopped.
/// </summary>
internal sealed class DevelopmentAdapterGuard(IHostEnvironment environment, IServiceProvider services) : IValidateOptions<DevelopmentAdapterOptions>
{
    public static string Message(string adapters) => $"the attachment scanner and/or the payment gateway are Dinh's development adapters ({adapters}): the scanner " +
        "recognises only the EICAR test string and the gateway takes no money. Outside Development register real IAttachmentScanner and " +
        "IPaymentGateway implementations, or set Dinh:Services:AllowDevelopmentAdapters=true (env Dinh__Services__AllowDevelopmentAdapters) " +
        "to run them knowingly (benchmarks, test rigs; never with real citizens).";

    public ValidateOptionsResult Validate(string? name, DevelopmentAdapterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (environment.IsDevelopment() || options.AllowDevelopmentAdapters)
        {
            return ValidateOptionsResult.Success;
        }
        var development = new List<string>();
        if (services.GetRequiredService<IAttachmentScanner>() is DevelopmentAttachmentScanner)
        {
            development.Add("DevelopmentAttachmentScanner");
        }
        if (services.GetRequiredService<IPaymentGateway>() is DevelopmentPaymentGateway)
        {
            development.Add("DevelopmentPaymentGateway");
        }
        return development.Count == 0 ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(Message(string.Join(", ", development)));
    }

    public static void Add(IServiceCollection services)
    {
        services.AddOptions<DevelopmentAdapterOptions>().BindConfiguration(DevelopmentAdapterOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevelopmentAdapterOptions>, DevelopmentAdapterGuard>();
    }
}
