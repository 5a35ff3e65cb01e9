using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// The current consent of a contact on a channel for a scope: the latest <see cref="ConsentChange"/> for it, kept in a
/// small table so that sends and broadcasts can filter on it fast. No row means nothing was ever recorded: opted in.
/// </summary>
public sealed class ContactConsent
{
    public Guid ContactId { get; set; }
    public ChannelKind Channel { get; init; }
    public ConsentScope Scope { get; init; }
    public bool OptedIn { get; set; }
    public ConsentSource Source { get; set; }
    public DateTime ChangedAt { get; set; }
    public Guid ChangeId { get; set; }
}
