using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Instagram;

/// <summary>
/// <c>Channels:Instagram:*</c> — an Instagram professional account's DMs through the Instagram API with Instagram Login
/// (host <c>graph.instagram.com</c>, an Instagram User access token).
/// </summary>
public sealed class InstagramOptions() : MetaMessagingOptions("https://graph.instagram.com")
{
    public const string Section = "Channels:Instagram";

    /// <summary>The Instagram User access token sends use.</summary>
    public string? AccessToken { get; set; }

    public override ChannelKind Channel => ChannelKind.Instagram;

    public override string WebhookObject => "instagram";

    public override string? SendToken => AccessToken;

    protected override string SendTokenKey => nameof(AccessToken);

    /// <summary>Instagram's send API documents no <c>metadata</c>, and its echoes may lack it.</summary>
    public override bool EchoesMetadata => false;
}
