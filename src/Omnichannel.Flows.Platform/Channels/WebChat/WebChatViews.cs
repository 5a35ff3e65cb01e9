namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <param name="IdentityHash">hex HMAC-SHA256(identity secret, email — or phone when no email is given), from the embedding site.</param>
public sealed record CreateWebChatSessionRequest(string? Name, string? Email, string? Phone, string? IdentityHash);

/// <param name="Token">Shown once; send it as <c>Authorization: Bearer</c> (API) or <c>access_token</c> (hub).</param>
/// <param name="IdentityVerified">Whether the site vouched for the email/phone, so the session joined the profile that owns it.</param>
public sealed record WebChatSessionCreated(Guid SessionId, string Token, bool IdentityVerified);

/// <param name="ClientMessageId">The widget's own id for the message: posting it again stores nothing new.</param>
public sealed record PostWebChatMessageRequest(string? Text, string? ClientMessageId);

public sealed record WebChatMessageAccepted(string ClientMessageId);

/// <summary>A message as the visitor sees it. <see cref="From"/> is <c>visitor</c> or <c>agent</c>.</summary>
public sealed record WebChatMessageView(Guid Id, string From, string? Text, DateTime SentAt)
{
    public const string Visitor = "visitor";
    public const string Agent = "agent";

    public string? AuthorName { get; init; }

    /// <summary>The widget's id for a visitor message, so it can match what it already shows.</summary>
    public string? ClientMessageId { get; init; }
}

public sealed record WebChatThread(IReadOnlyList<WebChatMessageView> Items);
