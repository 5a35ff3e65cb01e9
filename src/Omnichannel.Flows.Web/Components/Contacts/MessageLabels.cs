using MudBlazor;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Web.Components.Contacts;

/// <summary>How channels, origins, statuses and kinds of messages read and look in the contact pages.</summary>
public static class MessageLabels
{
    public static string Channel(ChannelKind channel) => ChannelOverview.DisplayName(channel);

    public static string ChannelIcon(ChannelKind channel) => channel switch
    {
        ChannelKind.WhatsApp => Icons.Custom.Brands.WhatsApp,
        ChannelKind.Messenger => Icons.Custom.Brands.Facebook,
        ChannelKind.Instagram => Icons.Custom.Brands.Instagram,
        ChannelKind.Sms => Icons.Material.Filled.Sms,
        ChannelKind.Email => Icons.Material.Filled.Email,
        ChannelKind.Telegram => Icons.Custom.Brands.Telegram,
        ChannelKind.TikTok => Icons.Custom.Brands.TikTok,
        ChannelKind.WebChat => Icons.Material.Filled.Chat,
        _ => Icons.Material.Filled.Forum,
    };

    /// <summary>Who wrote it: the customer, or on the business side an agent, an automation, a broadcast or the system.</summary>
    public static string Origin(MessageView message) => message.Origin switch
    {
        MessageOrigin.Customer => "Customer",
        MessageOrigin.Agent => "Agent",
        MessageOrigin.Automation => "Automation",
        MessageOrigin.Broadcast => "Broadcast",
        MessageOrigin.System => "System",
        _ => message.Origin.ToString(),
    };

    public static string Status(DeliveryStatus status) => status.ToString().ToLowerInvariant();

    public static string StatusIcon(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued or DeliveryStatus.Sending => Icons.Material.Filled.Schedule,
        DeliveryStatus.Sent => Icons.Material.Filled.Check,
        DeliveryStatus.Delivered or DeliveryStatus.Read => Icons.Material.Filled.DoneAll,
        DeliveryStatus.Failed => Icons.Material.Filled.ErrorOutline,
        DeliveryStatus.Unknown => Icons.Material.Filled.HelpOutline,
        _ => Icons.Material.Filled.CallReceived,
    };

    public static Color StatusColor(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Read => Color.Info,
        DeliveryStatus.Failed => Color.Error,
        DeliveryStatus.Unknown => Color.Warning,
        _ => Color.Default,
    };

    public static string KindIcon(MessageKind kind) => kind switch
    {
        MessageKind.Image or MessageKind.Sticker => Icons.Material.Filled.Image,
        MessageKind.Video => Icons.Material.Filled.Movie,
        MessageKind.Audio => Icons.Material.Filled.Mic,
        MessageKind.Document => Icons.Material.Filled.Description,
        MessageKind.Location => Icons.Material.Filled.Place,
        MessageKind.Contacts => Icons.Material.Filled.ContactPhone,
        MessageKind.Interactive or MessageKind.Button => Icons.Material.Filled.TouchApp,
        MessageKind.Reaction => Icons.Material.Filled.AddReaction,
        MessageKind.Template => Icons.Material.Filled.ViewQuilt,
        MessageKind.Email => Icons.Material.Filled.Email,
        _ => Icons.Material.Filled.HelpOutline,
    };

    public static string MergeReason(MergeSuggestionReason reason, string evidence) => reason switch
    {
        MergeSuggestionReason.UnverifiedClaim => $"claimed {evidence} without proof",
        MergeSuggestionReason.MentionedInMessage => $"a message mentioned {evidence}",
        MergeSuggestionReason.SharedIdentifier => $"both have {evidence}",
        _ => evidence,
    };
}
