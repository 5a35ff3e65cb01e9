using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>How Messenger and Instagram register: the same pieces, each with its own options, adapters and webhook path.</summary>
public static class MetaMessagingChannels
{
    public static IServiceCollection AddMetaMessagingChannel<TOptions, TInbound, TOutbound, TSimulator>(
        this IServiceCollection services, ChannelKind channel, string section)
        where TOptions : MetaMessagingOptions
        where TInbound : MetaMessagingInboundChannel<TOptions>
        where TOutbound : MetaMessagingOutboundChannel<TOptions>
        where TSimulator : MetaMessagingSimulator<TOptions>
    {
        services.AddChannelOptions<TOptions>(channel, section);
        services.TryAddSingleton<MetaMessagingParser>();
        services.AddSingleton<IChannelSimulator, TSimulator>();
        services.AddInboundChannel<TInbound>(channel);
        services.AddOutboundChannel<TOutbound>(channel, (sp, http) =>
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<TOptions>>().Value.GraphBaseUrl.TrimEnd('/') + "/"));
        return services;
    }

    /// <summary><c>GET</c> answers Meta's subscription handshake; <c>POST</c> takes deliveries into the ingest pipeline.</summary>
    public static IEndpointRouteBuilder MapMetaMessagingWebhooks<TOptions>(this IEndpointRouteBuilder app, ChannelKind channel)
        where TOptions : MetaMessagingOptions
    {
        var path = $"/webhooks/{channel.ToName()}";
        app.MapGet(path, (HttpRequest request, IOptions<TOptions> options) =>
            MetaSignature.AnswerSubscription(request.Query, options.Value.VerifyToken));
        app.MapPost(path, (HttpContext context, WebhookIngestion ingestion) => ingestion.HandleAsync(channel, context));
        return app;
    }
}
