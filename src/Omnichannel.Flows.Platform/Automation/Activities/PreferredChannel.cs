using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// The customer's preferred channel for an automated message: the one they last wrote on, then WhatsApp, SMS, email,
/// Telegram, Messenger, Instagram, TikTok, web chat — the first that is enabled, reachable (an identity, or a verified
/// phone or email to derive one from) and not opted out of. Service windows are not considered: a closed one is the
/// send's refusal (or its fallback template).
/// </summary>
public sealed class PreferredChannel(FlowsDbContext db, RecipientResolver recipients, ChannelRegistry channels, ConsentPolicy consent)
{
    public static readonly IReadOnlyList<ChannelKind> Order =
    [
        ChannelKind.WhatsApp, ChannelKind.Sms, ChannelKind.Email, ChannelKind.Telegram,
        ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.TikTok, ChannelKind.WebChat,
    ];

    /// <returns>The channel, or null when the customer cannot be reached on any.</returns>
    public async Task<ChannelKind?> ChooseAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var reachable = await recipients.ReachableChannelsAsync(db, contactId, cancellationToken);
        var lastUsed = await db.Conversations.AsNoTracking().Where(c => c.ContactId == contactId)
            .Select(c => c.LastCustomerChannel).FirstOrDefaultAsync(cancellationToken);
        IEnumerable<ChannelKind> candidates = lastUsed is { } last ? [last, .. Order.Where(c => c != last)] : Order;
        foreach (var channel in candidates.Where(c => reachable.Contains(c) && channels.IsEnabled(c)))
        {
            var decision = await consent.CheckAsync(contactId, channel, SendPurposes.Of(MessageOrigin.Automation, null), cancellationToken);
            if (decision.IsAllowed)
            {
                return channel;
            }
        }

        return null;
    }
}
