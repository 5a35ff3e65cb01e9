using Omnichannel.Flows.Engine;
namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>A visitor's chat session from the embeddable widget. The token is shown once and stored hashed.</summary>
public sealed class WebChatSession
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public required string TokenHash { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime LastSeenAt { get; set; }
}
