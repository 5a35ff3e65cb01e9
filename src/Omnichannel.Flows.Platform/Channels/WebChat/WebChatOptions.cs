namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// <c>Channels:WebChat:*</c> — our own embeddable chat. Live by default: it needs no provider credentials.
/// </summary>
public sealed class WebChatOptions : ChannelOptions
{
    public const string Section = "Channels:WebChat";

    public WebChatOptions() => Mode = ChannelMode.Live;

    /// <summary>
    /// Shared with the embedding website, which vouches for a visitor's email (or phone) by sending
    /// <c>identityHash</c> = hex HMAC-SHA256(secret, email). Without it no claim is ever vouched.
    /// </summary>
    public string? IdentitySecret { get; set; }

    /// <summary>Origins (<c>https://shop.example</c>) whose pages may embed the widget; <c>*</c> allows any.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public WebChatRateLimit RateLimit { get; set; } = new();

    public override ChannelKind Channel => ChannelKind.WebChat;

    public override bool HasNoCredentials => false;

    public override IEnumerable<string> MissingCredentials() => [];

    public override void UseSandboxSecrets(SandboxSecrets secrets) => IdentitySecret ??= secrets.Get("webchat.identitySecret");

    /// <summary>Problems with the settings, for validation at start.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var origin in AllowedOrigins.Where(o => o != "*" && !IsOrigin(o)))
        {
            yield return $"{Section}:AllowedOrigins has '{origin}', which is not an origin like https://shop.example.";
        }

        if (RateLimit.SessionsPerWindow < 1 || RateLimit.MessagesPerWindow < 1 || RateLimit.Window <= TimeSpan.Zero)
        {
            yield return $"{Section}:RateLimit needs limits of at least 1 and a positive window.";
        }
    }

    private static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        uri.PathAndQuery == "/" && !text.EndsWith('/');
}

/// <summary><c>Channels:WebChat:RateLimit:*</c> — per client address (and session, for messages), per fixed window.</summary>
public sealed class WebChatRateLimit
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public int SessionsPerWindow { get; set; } = 10;

    /// <summary>Posting and polling together: the widget polls every few seconds when its realtime connection is down.</summary>
    public int MessagesPerWindow { get; set; } = 60;
}
