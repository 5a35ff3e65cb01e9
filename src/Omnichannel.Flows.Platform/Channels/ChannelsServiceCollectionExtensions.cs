using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels.Email;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Instagram;
using Omnichannel.Flows.Platform.Channels.Messenger;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Channels.Sms;
using Omnichannel.Flows.Platform.Channels.Telegram;
using Omnichannel.Flows.Platform.Channels.TikTok;
using Omnichannel.Flows.Platform.Channels.WebChat;
using Omnichannel.Flows.Platform.Channels.WhatsApp;

namespace Omnichannel.Flows.Platform.Channels;

public static class ChannelsServiceCollectionExtensions
{
    /// <summary>Every channel adapter, the webhook ingest pipeline and the outbox.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddSingleton<SandboxSecrets>();
        services.AddSingleton<ChannelRegistry>();

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<InboundEventWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundEventWriter>());
        services.AddSingleton<InboundEventPump>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundEventPump>());
        services.AddScoped<InboundEventProcessor>();
        services.AddScoped<CustomerMessageSlices>();
        services.AddSingleton<ReturningCustomerMessages>();
        services.AddScoped<WebhookIngestion>();
        services.AddSingleton<WebhookNonces>();
        services.AddScoped<InboundEventRetention>();

        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<OutboundDispatchJob>();
        services.AddScoped<OutboxRecovery>();

        services.AddWhatsAppChannel();
        services.AddMessengerChannel();
        services.AddInstagramChannel();
        services.AddSmsChannel();
        services.AddTelegramChannel();
        services.AddTikTokChannel();
        services.AddEmailChannel();
        services.AddWebChatChannel();
        return services;
    }

    /// <summary>The provider webhooks (anonymous: each verifies its provider's signature) and the web chat visitor API.</summary>
    public static IEndpointRouteBuilder MapChannelWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("").WithTags("Webhooks").AllowAnonymous().DisableAntiforgery();
        webhooks.MapWhatsAppWebhooks();
        webhooks.MapMessengerWebhooks();
        webhooks.MapInstagramWebhooks();
        webhooks.MapSmsWebhooks();
        webhooks.MapTelegramWebhooks();
        webhooks.MapTikTokWebhooks();
        webhooks.MapEmailWebhooks();
        app.MapWebChat();
        return app;
    }
}
