namespace Omnichannel.Flows.Platform.Channels.Telegram;

/// <summary><c>Channels:Telegram:*</c> — a Telegram bot (Bot API) whose webhook was set with a <c>secret_token</c>.</summary>
public sealed class TelegramOptions : ChannelOptions
{
    public const string Section = "Channels:Telegram";

    /// <summary>The token BotFather gave (<c>123456:ABC…</c>); it is part of every Bot API URL, so it is never logged.</summary>
    public string? BotToken { get; set; }

    /// <summary>The <c>secret_token</c> passed to <c>setWebhook</c>; Telegram sends it back in <c>X-Telegram-Bot-Api-Secret-Token</c>.</summary>
    public string? SecretToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    public override ChannelKind Channel => ChannelKind.Telegram;

    public override bool HasNoCredentials => new[] { BotToken, SecretToken }.All(string.IsNullOrWhiteSpace);

    public override IEnumerable<string> MissingCredentials() =>
        Missing((nameof(BotToken), BotToken), (nameof(SecretToken), SecretToken));

    public override void UseSandboxSecrets(SandboxSecrets secrets) => SecretToken ??= secrets.Get("telegram.secretToken");
}
