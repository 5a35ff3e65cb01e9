using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>A contact's consent: the current state per channel and scope (only what was ever recorded), and the history, newest first.</summary>
public sealed record ContactConsentView(Guid ContactId, IReadOnlyList<ConsentStateView> Current, IReadOnlyList<ConsentChangeView> History);

public sealed record ConsentStateView(ChannelKind Channel, ConsentScope Scope, bool OptedIn, ConsentSource Source, DateTime ChangedAt);

public sealed record ConsentChangeView(
    Guid Id, ChannelKind Channel, ConsentScope Scope, bool OptedIn, ConsentSource Source, string? Detail, Guid? MessageId,
    string? ChangedByUserId, string? ChangedByName, DateTime OccurredAt);

/// <summary>An agent's or admin's record of a consent change: <c>{ channel, scope, optedIn, note? }</c>.</summary>
public sealed record RecordConsentRequest(string? Channel, string? Scope, bool? OptedIn, string? Note);
