using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Consent, as broadcasts need it: who may receive a message of a purpose on a channel, and the opt-outs providers
/// report. Asked when the audience is snapshotted and again for every chunk just before it is sent, so a customer who
/// opts out while a broadcast runs is not written to from then on.
/// </summary>
/// <remarks>
/// The seam the consent capability plugs into. Until it does, <see cref="EveryoneMayReceive"/> answers; at merge the
/// real policy is registered instead (<c>services.AddScoped&lt;IBroadcastConsent, …&gt;()</c> after
/// <c>AddBroadcasts()</c>, or by replacing the registration in <see cref="BroadcastsServiceCollectionExtensions"/>).
/// </remarks>
public interface IBroadcastConsent
{
    /// <returns>Those of <paramref name="contactIds"/> who may receive <paramref name="purpose"/> messages on <paramref name="channel"/>.</returns>
    Task<IReadOnlySet<Guid>> MayReceiveAsync(
        ChannelKind channel, MessagePurpose purpose, IReadOnlyCollection<Guid> contactIds, CancellationToken cancellationToken);

    /// <summary>The provider told us the customer stopped these messages (WhatsApp 131050): from now on they may not receive them.</summary>
    /// <param name="evidence">What the provider said (code and reason), for the consent record.</param>
    Task RecordOptOutAsync(Guid contactId, ChannelKind channel, MessagePurpose purpose, string evidence, CancellationToken cancellationToken);
}

/// <summary>
/// PLACEHOLDER, replaced at merge by the consent capability's policy: everyone may receive everything, and reported
/// opt-outs are only logged (a warning each, so none goes unnoticed until then).
/// </summary>
internal sealed class EveryoneMayReceive(ILogger<EveryoneMayReceive> logger) : IBroadcastConsent
{
    public Task<IReadOnlySet<Guid>> MayReceiveAsync(
        ChannelKind channel, MessagePurpose purpose, IReadOnlyCollection<Guid> contactIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<Guid>>(contactIds.ToHashSet());

    public Task RecordOptOutAsync(Guid contactId, ChannelKind channel, MessagePurpose purpose, string evidence, CancellationToken cancellationToken)
    {
        logger.LogWarning("Contact {ContactId} opted out of {Purpose} messages on {Channel} ({Evidence}); no consent store is wired in yet",
            contactId, purpose, channel, evidence);
        return Task.CompletedTask;
    }
}
