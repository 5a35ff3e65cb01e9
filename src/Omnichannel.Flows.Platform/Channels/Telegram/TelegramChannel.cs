using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.Telegram;

public static class TelegramChannel
{
    public static IServiceCollection AddTelegramChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<TelegramOptions>(ChannelKind.Telegram, TelegramOptions.Section);
        services.AddSingleton<TelegramUpdateParser>();
        services.AddSingleton<TelegramHttpLogger>();
        services.AddSingleton<IChannelSimulator, TelegramSimulator>();
        services.AddInboundChannel<TelegramInboundChannel>(ChannelKind.Telegram);
        services.AddOutboundChannel<TelegramOutboundChannel>(ChannelKind.Telegram, (sp, http) =>
                http.BaseAddress = ChannelRegistration.BaseAddress(sp.GetRequiredService<IOptions<TelegramOptions>>().Value.ApiBaseUrl))
            .RemoveAllLoggers()
            .AddLogger<TelegramHttpLogger>();
        return services;
    }

    public static IEndpointRouteBuilder MapTelegramWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhook("/webhooks/telegram", ChannelKind.Telegram);
        return app;
    }
}
