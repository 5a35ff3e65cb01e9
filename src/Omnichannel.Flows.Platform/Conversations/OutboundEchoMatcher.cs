using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Tells the provider's echo of a message this app sent from one the business sent elsewhere (Messenger/Instagram
/// echoes), so a send is never stored twice. Messenger echoes carry our message id; Instagram echoes may not, and may
/// even arrive before the send's answer: such an echo is matched to our send still in flight (or left unknown) to the
/// same recipient with the same text, and hands it the provider id. Should an echo still have been stored on its own,
/// the send's answer folds that copy into our message (<see cref="ReleaseExternalIdAsync"/>).
/// </summary>
public sealed class OutboundEchoMatcher(ILogger<OutboundEchoMatcher> logger)
{
    /// <returns>True when <paramref name="echo"/> is a message this app sent (nothing more to store).</returns>
    /// <remarks>Any item carrying our message id (<see cref="InboundMessage.CorrelationId"/>) counts, whatever its direction.</remarks>
    public async Task<bool> IsOwnAsync(FlowsDbContext db, ChannelKind channel, InboundMessage echo, CancellationToken cancellationToken)
    {
        var own = echo.CorrelationId is { } ownId
            ? await db.Messages.FirstOrDefaultAsync(m => m.Id == ownId, cancellationToken)
            : echo.Direction == MessageDirection.Outbound
                ? await FindUnansweredSendAsync(db, channel, echo, cancellationToken)
                : null;
        if (own is null)
        {
            return false;
        }

        if (own.ExternalId is null)
        {
            own.ExternalId = echo.ExternalId;
            if (own.Status == DeliveryStatus.Unknown)
            {
                // The send broke mid-way, yet the provider took it: the echo proves it left.
                own.Status = DeliveryStatus.Sent;
                own.StatusAt = echo.SentAt;
            }

            logger.LogInformation("{Channel} echo {ExternalId} matched our message {MessageId}", channel, echo.ExternalId, own.Id);
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Before <paramref name="message"/> takes <paramref name="externalId"/>: a copy stored from the echo of this very send
    /// (it did not match, e.g. the provider changed the text) is removed, so the unique (channel, provider id) holds.
    /// Saves nothing.
    /// </summary>
    /// <returns>False when another message of ours already has that id: the caller must not take it.</returns>
    public async Task<bool> ReleaseExternalIdAsync(FlowsDbContext db, Message message, string externalId, CancellationToken cancellationToken)
    {
        var holder = await db.Messages.FirstOrDefaultAsync(
            m => m.Channel == message.Channel && m.ExternalId == externalId && m.Id != message.Id, cancellationToken);
        if (holder is null)
        {
            return true;
        }

        if (holder is { Direction: MessageDirection.Outbound, InboundEventId: not null } && holder.ContactId == message.ContactId)
        {
            logger.LogInformation("The echo of {Channel} message {MessageId} was stored before the send's answer; folding it in",
                message.Channel, message.Id);
            db.Messages.Remove(holder);
            return true;
        }

        logger.LogError("{Channel} provider id {ExternalId} of message {MessageId} already belongs to message {OtherMessageId}",
            message.Channel, externalId, message.Id, holder.Id);
        return false;
    }

    private static Task<Message?> FindUnansweredSendAsync(FlowsDbContext db, ChannelKind channel, InboundMessage echo, CancellationToken cancellationToken)
    {
        var recipients = db.ChannelIdentities
            .Where(i => i.Channel == channel && i.ExternalId == echo.Customer.ExternalId)
            .Select(i => (Guid?)i.Id);
        return db.Messages
            .Where(m => m.Channel == channel && m.Direction == MessageDirection.Outbound && m.ExternalId == null
                && (m.Status == DeliveryStatus.Sending || m.Status == DeliveryStatus.Unknown)
                && recipients.Contains(m.ChannelIdentityId)
                && m.Text == echo.Text)
            .OrderBy(m => m.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
