using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

public static class TikTokChannel
{
    public static IServiceCollection AddTikTokChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<TikTokOptions>(ChannelKind.TikTok, TikTokOptions.Section);
        services.AddSingleton<TikTokEventParser>();
        services.AddSingleton<IChannelSimulator, TikTokSimulator>();
        services.AddInboundChannel<TikTokInboundChannel>(ChannelKind.TikTok);
        services.AddOutboundChannel<TikTokOutboundChannel>(ChannelKind.TikTok, (sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<TikTokOptions>>().Value.ApiBaseUrl.TrimEnd('/') + "/"));
        return services;
    }

    public static IEndpointRouteBuilder MapTikTokWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/tiktok", (HttpContext context, WebhookIngestion ingestion) => ingestion.HandleAsync(ChannelKind.TikTok, context));
        return app;
    }
}
