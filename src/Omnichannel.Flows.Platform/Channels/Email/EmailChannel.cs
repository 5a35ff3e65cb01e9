using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Email;

public static class EmailChannel
{
    public static IServiceCollection AddEmailChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<EmailOptions>(ChannelKind.Email, EmailOptions.Section);
        services.AddOptions<EmailOptions>().Validate(
            o => o.Mode != ChannelMode.Live || EmailAddresses.Normalize(o.FromAddress) is not null,
            $"{EmailOptions.Section}:FromAddress must be an email address.");
        services.AddSingleton<EmailPayloadParser>();
        services.AddSingleton<IChannelSimulator, EmailSimulator>();
        services.AddInboundChannel<EmailInboundChannel>(ChannelKind.Email);
        services.AddOutboundChannel<EmailOutboundChannel>(ChannelKind.Email);
        return services;
    }

    /// <summary>The inbound-parse webhook: urlencoded or multipart form posts.</summary>
    public static IEndpointRouteBuilder MapEmailWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/email", (HttpContext context, WebhookIngestion ingestion) =>
            ingestion.HandleAsync(ChannelKind.Email, context));
        return app;
    }
}
