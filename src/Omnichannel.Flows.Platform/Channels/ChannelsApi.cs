using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>Which channels this installation has and how they run. Threads is listed as unavailable: it has no DM API.</summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/channels", (ChannelRegistry registry) => TypedResults.Ok(new { items = ChannelOverview.List(registry) }))
            .WithTags("Channels");
        return app;
    }
}

public sealed record ChannelStatusView(string Channel, string DisplayName, string Mode, bool Available, string? WebhookPath, string? Note);

public static class ChannelOverview
{
    public static IReadOnlyList<ChannelStatusView> List(ChannelRegistry registry)
    {
        var channels = Enum.GetValues<ChannelKind>().Select(channel => new ChannelStatusView(
            channel.ToName(), DisplayName(channel), registry.ModeOf(channel).ToString().ToLowerInvariant(), true,
            WebhookPath(channel), null));
        return
        [
            .. channels,
            new ChannelStatusView("threads", "Threads", "unavailable", false, null,
                "Threads has a publishing and replies API but no direct-message API, so it cannot be a messaging channel."),
        ];
    }

    public static string DisplayName(ChannelKind channel) => channel switch
    {
        ChannelKind.WhatsApp => "WhatsApp",
        ChannelKind.Messenger => "Messenger",
        ChannelKind.Instagram => "Instagram",
        ChannelKind.Sms => "SMS",
        ChannelKind.Email => "Email",
        ChannelKind.Telegram => "Telegram",
        ChannelKind.TikTok => "TikTok",
        ChannelKind.WebChat => "Web chat",
        _ => channel.ToString(),
    };

    public static string? WebhookPath(ChannelKind channel) => channel switch
    {
        ChannelKind.WebChat => "/api/webchat/sessions",
        _ => $"/webhooks/{channel.ToName()}",
    };
}
