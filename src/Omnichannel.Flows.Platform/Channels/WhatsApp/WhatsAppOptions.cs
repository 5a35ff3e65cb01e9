namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

/// <summary><c>Channels:WhatsApp:*</c> — the WhatsApp Business Platform (Cloud API).</summary>
public sealed class WhatsAppOptions : ChannelOptions
{
    public const string Section = "Channels:WhatsApp";

    public string? VerifyToken { get; set; }
    public string? AppSecret { get; set; }
    public string? AccessToken { get; set; }
    public string? PhoneNumberId { get; set; }
    public string? BusinessAccountId { get; set; }
    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com";
    public string GraphApiVersion { get; set; } = "v24.0";

    public override ChannelKind Channel => ChannelKind.WhatsApp;

    public override bool HasNoCredentials =>
        new[] { VerifyToken, AppSecret, AccessToken, PhoneNumberId, BusinessAccountId }.All(string.IsNullOrWhiteSpace);

    public override IEnumerable<string> MissingCredentials() => Missing(
        (nameof(VerifyToken), VerifyToken), (nameof(AppSecret), AppSecret),
        (nameof(AccessToken), AccessToken), (nameof(PhoneNumberId), PhoneNumberId));

    public override void UseSandboxSecrets(SandboxSecrets secrets)
    {
        AppSecret ??= secrets.Get("whatsapp.appSecret");
        VerifyToken ??= secrets.Get("whatsapp.verifyToken");
        PhoneNumberId ??= "sandbox-phone-number-id";
    }
}
