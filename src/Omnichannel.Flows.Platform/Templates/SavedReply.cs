using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// A canned response agents pick instead of typing, on channels without Meta-approved templates (and inside a WhatsApp
/// service window). Its text may use variables filled from the contact (<c>{{ contact.first_name }}</c>), see
/// <see cref="SavedReplyRenderer"/>.
/// </summary>
public sealed class SavedReply
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public required string Name { get; set; }
    public required string Text { get; set; }

    /// <summary>The channels it is offered on; empty means every channel.</summary>
    public List<ChannelKind> Channels { get; set; } = [];
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}
