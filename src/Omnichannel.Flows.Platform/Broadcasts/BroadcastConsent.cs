using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Consent as broadcasts ask it: asked when the audience is snapshotted and again for every chunk just before it is
/// sent, so a customer who opts out while a broadcast runs is not written to from then on. Opt-outs the provider
/// reports on a broadcast send (WhatsApp 131050, Twilio 21610) are recorded by the consent capability like any other.
/// </summary>
public static class BroadcastConsent
{
    public static SendPurpose ToSendPurpose(this MessagePurpose purpose) => purpose switch
    {
        MessagePurpose.Marketing => SendPurpose.Marketing,
        MessagePurpose.Transactional => SendPurpose.Transactional,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown broadcast purpose."),
    };

    /// <returns>Those of <paramref name="contactIds"/> who may receive <paramref name="purpose"/> messages on <paramref name="channel"/>.</returns>
    public static async Task<IReadOnlySet<Guid>> MayReceiveAsync(this ConsentPolicy policy,
        ChannelKind channel, MessagePurpose purpose, IReadOnlyCollection<Guid> contactIds, CancellationToken cancellationToken)
    {
        var blocked = await policy.BlockedAmongAsync(contactIds, channel, purpose.ToSendPurpose(), cancellationToken);
        return contactIds.Where(id => !blocked.Contains(id)).ToHashSet();
    }
}
