using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Messaging;

internal static class MessagingSetup
{
    public static IServiceCollection AddDinhMessaging(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<MessagingOptions>()
            .Bind(configuration.GetSection(MessagingOptions.Section))
            .PostConfigure(options =>
            {
                if (environment.IsDevelopment())
                {
                    options.Email.Sender ??= MessagingOptions.DevelopmentSender;
                    options.Sms.Sender ??= MessagingOptions.DevelopmentSender;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MessagingOptions>, MessagingOptionsValidator>();
        services.AddSingleton<OutboxSignal>();

        services.AddSingleton<IMessageSender>(new DevelopmentSender(MessageChannel.Email));
        services.AddSingleton<IMessageSender>(new DevelopmentSender(MessageChannel.Sms));
        services.AddSingleton<IMessageSender, SmtpEmailSender>();
        services.AddSingleton<IMessageSender, HttpSmsSender>();
        // Our own log lines name the message; the client's would name the gateway URL, which may carry an API key.
        services.AddHttpClient(HttpSmsSender.ClientName).RemoveAllLoggers();

        if (configuration.GetValue($"{MessagingOptions.Section}:Dispatch", true))
        {
            services.AddHostedService<OutboxDispatcher>();
        }
        return services;
    }
}
