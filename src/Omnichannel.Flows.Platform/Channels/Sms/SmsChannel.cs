using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Sms;

public static class SmsChannel
{
    public const string MessagePath = "/webhooks/sms";
    public const string StatusPath = "/webhooks/sms/status";

    /// <summary>The query parameter of the status callback URL that carries our message id.</summary>
    public const string MessageIdParameter = "messageId";

    public static IServiceCollection AddSmsChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<SmsOptions>(ChannelKind.Sms, SmsOptions.Section);
        services.AddOptions<SmsOptions>().Validate(
            o => string.IsNullOrWhiteSpace(o.WebhookUrl) || Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out _),
            $"{SmsOptions.Section}:{nameof(SmsOptions.WebhookUrl)} must be an absolute URL such as https://flows.example.com.");
        services.AddSingleton<SmsPayloadParser>();
        services.AddSingleton<IChannelSimulator, SmsSimulator>();
        services.AddInboundChannel<SmsInboundChannel>(ChannelKind.Sms);
        services.AddOutboundChannel<SmsOutboundChannel>(ChannelKind.Sms, (sp, http) =>
            http.BaseAddress = ChannelRegistration.BaseAddress(sp.GetRequiredService<IOptions<SmsOptions>>().Value.ApiBaseUrl));
        return services;
    }

    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhook(MessagePath, ChannelKind.Sms);
        app.MapWebhook(StatusPath, ChannelKind.Sms);
        return app;
    }
}
