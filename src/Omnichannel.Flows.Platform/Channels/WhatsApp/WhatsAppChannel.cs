using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Meta;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

public static class WhatsAppChannel
{
    public static IServiceCollection AddWhatsAppChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<WhatsAppOptions>(ChannelKind.WhatsApp, WhatsAppOptions.Section);
        services.AddSingleton<WhatsAppPayloadParser>();
        services.AddSingleton<IChannelSimulator, WhatsAppSimulator>();
        services.AddInboundChannel<WhatsAppInboundChannel>(ChannelKind.WhatsApp);
        services.AddOutboundChannel<WhatsAppOutboundChannel>(ChannelKind.WhatsApp, (sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WhatsAppOptions>>().Value.GraphBaseUrl.TrimEnd('/') + "/"));
        return services;
    }

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/webhooks/whatsapp", (HttpRequest request, IOptions<WhatsAppOptions> options) =>
            MetaSignature.AnswerSubscription(request.Query, options.Value.VerifyToken));
        app.MapPost("/webhooks/whatsapp", (HttpContext context, WebhookIngestion ingestion) =>
            ingestion.HandleAsync(ChannelKind.WhatsApp, context));
        return app;
    }
}
