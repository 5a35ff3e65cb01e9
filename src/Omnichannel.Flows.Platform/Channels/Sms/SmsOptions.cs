namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary><c>Channels:Sms:*</c> — SMS through Twilio Programmable Messaging.</summary>
public sealed class SmsOptions : ChannelOptions
{
    public const string Section = "Channels:Sms";

    public string? AccountSid { get; set; }

    /// <summary>Authenticates sends (basic auth with <see cref="AccountSid"/>) and signs Twilio's webhooks.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The Twilio number messages are sent from (E.164). Either this or <see cref="MessagingServiceSid"/>.</summary>
    public string? FromNumber { get; set; }

    /// <summary>A Twilio Messaging Service that picks the sender; used instead of <see cref="FromNumber"/> when set.</summary>
    public string? MessagingServiceSid { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>
    /// The public base URL Twilio calls (e.g. <c>https://flows.example.com</c>), when the app sits behind a proxy: Twilio
    /// signs the URL it called, which is this plus the request's path and query. Without it, the request's own URL is
    /// used. Delivery statuses need it: it is the base of the <c>StatusCallback</c> URL given with every send.
    /// </summary>
    public string? WebhookUrl { get; set; }

    public override ChannelKind Channel => ChannelKind.Sms;

    public override bool HasNoCredentials =>
        new[] { AccountSid, AuthToken, FromNumber, MessagingServiceSid }.All(string.IsNullOrWhiteSpace);

    public override IEnumerable<string> MissingCredentials() => Missing(
        (nameof(AccountSid), AccountSid), (nameof(AuthToken), AuthToken),
        ($"{nameof(FromNumber)} (or {nameof(MessagingServiceSid)})", FromNumber ?? MessagingServiceSid));

    public override void UseSandboxSecrets(SandboxSecrets secrets)
    {
        AuthToken ??= secrets.Get("sms.authToken");
        AccountSid ??= "ACsandbox";
    }
}
