namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// What the Messenger and Instagram channels share: the webhook handshake token and app secret, and the Graph API host
/// and version sends go to. Each channel names its own send token (<see cref="SendToken"/>).
/// </summary>
public abstract class MetaMessagingOptions(string graphBaseUrl) : ChannelOptions
{
    public string? VerifyToken { get; set; }
    public string? AppSecret { get; set; }
    public string GraphBaseUrl { get; set; } = graphBaseUrl;
    public string GraphApiVersion { get; set; } = "v24.0";

    /// <summary>
    /// Meta approved the Page/account for the <c>HUMAN_AGENT</c> tag: agents may then reply up to 7 days after the
    /// customer's last message. Without the approval Meta refuses such sends, so they are refused here first.
    /// </summary>
    public bool HumanAgentTagApproved { get; set; }

    /// <summary>The webhook envelope's <c>object</c>: <c>page</c> for Messenger, <c>instagram</c> for Instagram.</summary>
    public abstract string WebhookObject { get; }

    /// <summary>The bearer token sends are authorised with.</summary>
    public abstract string? SendToken { get; }

    /// <summary>The configuration key of <see cref="SendToken"/>.</summary>
    protected abstract string SendTokenKey { get; }

    /// <summary>
    /// True when the send API takes <c>message.metadata</c> and hands it back in the echo, so our message id can travel
    /// with the message (Messenger). Without it, echoes are matched to our sends by recipient and text.
    /// </summary>
    public abstract bool EchoesMetadata { get; }

    public override bool HasNoCredentials => new[] { VerifyToken, AppSecret, SendToken }.All(string.IsNullOrWhiteSpace);

    public override IEnumerable<string> MissingCredentials() => Missing(
        (nameof(VerifyToken), VerifyToken), (nameof(AppSecret), AppSecret), (SendTokenKey, SendToken));

    public override void UseSandboxSecrets(SandboxSecrets secrets)
    {
        AppSecret ??= secrets.Get($"{Channel.ToName()}.appSecret");
        VerifyToken ??= secrets.Get($"{Channel.ToName()}.verifyToken");
    }
}
