using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Our own channel: the embeddable widget (<c>wwwroot/webchat/widget.js</c>) talks to the visitor API and the hub. The
/// host pipeline runs CORS and the rate limiter (policies named here) before authentication.
/// </summary>
public static class WebChatChannel
{
    public const string CorsPolicy = "webchat";

    public static IServiceCollection AddWebChatChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<WebChatOptions>(ChannelKind.WebChat, WebChatOptions.Section);
        services.AddOptions<WebChatOptions>().Validate(o => !o.Problems().Any(), $"{WebChatOptions.Section} is invalid.");
        services.AddSingleton<IChannelSimulator, WebChatSimulator>();
        services.AddInboundChannel<WebChatInboundChannel>(ChannelKind.WebChat);
        services.AddOutboundChannel<WebChatOutboundChannel>(ChannelKind.WebChat);
        services.AddSingleton<WebChatPresence>();
        services.AddScoped<WebChatSessions>();
        services.AddScoped<WebChatInbox>();
        services.AddSignalR();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<WebChatOptions>>((cors, webchat) =>
            cors.AddPolicy(CorsPolicy, policy => policy.WithOrigins(webchat.Value.AllowedOrigins).AllowAnyHeader().WithMethods("GET", "POST")));
        services.AddWebChatRateLimiting();
        services.AddWebChatAuthentication();
        return services;
    }

    /// <summary>
    /// The visitor API and hub. Not in the anonymous webhook group (that would switch their token check off) nor in the
    /// signed-in API group: visitors are anonymous users holding a session token.
    /// </summary>
    public static IEndpointRouteBuilder MapWebChat(this IEndpointRouteBuilder app)
    {
        app.MapWebChatApi();
        app.MapHub<WebChatHub>(WebChatHub.Path).RequireAuthorization(WebChatAuthentication.Policy).RequireCors(CorsPolicy);
        return app;
    }
}
