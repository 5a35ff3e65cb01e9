using MailKit.Security;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// <c>Channels:Email:*</c> — inbound mail from a provider's inbound-parse webhook (Mailgun style), outbound over SMTP.
/// </summary>
public sealed class EmailOptions : ChannelOptions
{
    public const string Section = "Channels:Email";

    /// <summary>The provider's webhook signing key: <c>signature</c> = hex HMAC-SHA256(key, timestamp + token).</summary>
    public string? SigningKey { get; set; }

    /// <summary>The address replies are sent from; its domain names our Message-IDs.</summary>
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }

    /// <summary>Webhooks whose <c>timestamp</c> is further than this from now are refused (replays, stale retries).</summary>
    public TimeSpan MaxTimestampAge { get; set; } = TimeSpan.FromMinutes(10);

    public SmtpSettings Smtp { get; set; } = new();

    public override ChannelKind Channel => ChannelKind.Email;

    public override bool HasNoCredentials => new[] { SigningKey, FromAddress, Smtp.Host }.All(string.IsNullOrWhiteSpace);

    public override IEnumerable<string> MissingCredentials() => Missing(
        (nameof(SigningKey), SigningKey), (nameof(FromAddress), FromAddress), ("Smtp:Host", Smtp.Host));

    public override void UseSandboxSecrets(SandboxSecrets secrets)
    {
        SigningKey ??= secrets.Get("email.signingKey");
        FromAddress ??= "support@sandbox.invalid";
    }
}

/// <summary><c>Channels:Email:Smtp:*</c> — the relay replies are submitted to.</summary>
public sealed class SmtpSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>None, StartTls (default, for port 587), SslOnConnect (port 465), StartTlsWhenAvailable or Auto.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>How long one SMTP command may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
