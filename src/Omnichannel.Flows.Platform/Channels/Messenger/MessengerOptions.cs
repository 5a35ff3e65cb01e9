using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Messenger;

/// <summary><c>Channels:Messenger:*</c> — a Facebook Page's Messenger inbox (Messenger Platform on the Graph API).</summary>
public sealed class MessengerOptions() : MetaMessagingOptions("https://graph.facebook.com")
{
    public const string Section = "Channels:Messenger";

    /// <summary>The Page access token sends use.</summary>
    public string? PageAccessToken { get; set; }

    public override ChannelKind Channel => ChannelKind.Messenger;

    public override string WebhookObject => "page";

    public override string? SendToken => PageAccessToken;

    protected override string SendTokenKey => nameof(PageAccessToken);

    public override bool EchoesMetadata => true;
}
