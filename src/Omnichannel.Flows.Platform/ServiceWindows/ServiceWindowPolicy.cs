using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Instagram;
using Omnichannel.Flows.Platform.Channels.Messenger;

namespace Omnichannel.Flows.Platform.ServiceWindows;

/// <summary>
/// When a business may write freely: WhatsApp 24 h after the customer's last message (72 h when it came from a free
/// entry point such as a click-to-WhatsApp ad), Messenger and Instagram 24 h plus — for replies a person writes, where
/// Meta approved the <c>HUMAN_AGENT</c> tag — up to 7 days, TikTok 48 h; SMS, email, Telegram and web chat have no window.
/// A window is open while now &lt; last message + its length.
/// </summary>
public sealed class ServiceWindowPolicy(IOptions<MessengerOptions> messenger, IOptions<InstagramOptions> instagram)
{
    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan FreeEntryPointWindow = TimeSpan.FromHours(72);
    public static readonly TimeSpan MetaMessagingWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan HumanAgentWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan TikTokWindow = TimeSpan.FromHours(48);

    /// <param name="lastCustomerMessageAt">When the customer last wrote on this identity, by the provider's clock.</param>
    public ChannelWindow Evaluate(ChannelKind channel, DateTime? lastCustomerMessageAt, bool fromFreeEntryPoint, DateTime now)
    {
        var (length, humanAgent) = channel switch
        {
            ChannelKind.WhatsApp => (fromFreeEntryPoint ? FreeEntryPointWindow : WhatsAppWindow, false),
            ChannelKind.Messenger => (MetaMessagingWindow, messenger.Value.HumanAgentTagApproved),
            ChannelKind.Instagram => (MetaMessagingWindow, instagram.Value.HumanAgentTagApproved),
            ChannelKind.TikTok => (TikTokWindow, false),
            _ => ((TimeSpan?)null, false),
        };
        if (length is null)
        {
            return new ChannelWindow(channel, HasWindow: false, Open: true, ClosesAt: null, HumanAgentUntil: null, FreeEntryPoint: false);
        }

        if (lastCustomerMessageAt is not { } last)
        {
            return new ChannelWindow(channel, HasWindow: true, Open: false, ClosesAt: null, HumanAgentUntil: null, FreeEntryPoint: false);
        }

        var closesAt = last + length.Value;
        return new ChannelWindow(channel, HasWindow: true, Open: now < closesAt, closesAt,
            HumanAgentUntil: humanAgent ? last + HumanAgentWindow : null,
            FreeEntryPoint: channel == ChannelKind.WhatsApp && fromFreeEntryPoint);
    }
}

/// <summary>The state of one channel's service window for one customer identity.</summary>
public sealed record ChannelWindow(
    ChannelKind Channel,
    [property: JsonIgnore] bool HasWindow,
    bool Open,
    DateTime? ClosesAt,
    DateTime? HumanAgentUntil,
    [property: JsonIgnore] bool FreeEntryPoint)
{
    /// <summary>A person's reply may still go out tagged <c>HUMAN_AGENT</c> (Messenger/Instagram, approved pages).</summary>
    public bool HumanAgentOpen(DateTime now) => !Open && HumanAgentUntil is { } until && now < until;
}
