namespace Omnichannel.Flows.Platform.Channels.TikTok;

/// <summary>
/// <c>Channels:TikTok:*</c> — TikTok Business Messaging (TikTok API for Business) for a TikTok Business Account.
/// Not available to businesses in the European Economic Area, the United Kingdom and Switzerland: TikTok does not let
/// their accounts send or receive direct messages through the API.
/// </summary>
public sealed class TikTokOptions : ChannelOptions
{
    public const string Section = "Channels:TikTok";

    /// <summary>The app's client secret: TikTok signs webhooks with it (<c>Tiktok-Signature</c>).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The Business Account's access token, sent as the <c>Access-Token</c> header.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The Business Account's id (<c>business_id</c>); webhooks for other accounts of the same app are ignored.</summary>
    public string? BusinessId { get; set; }

    public string ApiBaseUrl { get; set; } = "https://business-api.tiktok.com";

    /// <summary>The send endpoint, relative to <see cref="ApiBaseUrl"/> (configurable in case TikTok moves it to a new API version).</summary>
    public string SendPath { get; set; } = "open_api/v1.3/business/message/send/";

    public override ChannelKind Channel => ChannelKind.TikTok;

    public override bool HasNoCredentials => new[] { ClientSecret, AccessToken, BusinessId }.All(string.IsNullOrWhiteSpace);

    public override IEnumerable<string> MissingCredentials() => Missing(
        (nameof(ClientSecret), ClientSecret), (nameof(AccessToken), AccessToken), (nameof(BusinessId), BusinessId));

    public override void UseSandboxSecrets(SandboxSecrets secrets)
    {
        ClientSecret ??= secrets.Get("tiktok.clientSecret");
        BusinessId ??= "sandbox-business";
    }
}
