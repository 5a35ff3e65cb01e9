using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Stores a message that arrived from a channel in the customer's one thread: matched to a profile, deduplicated on
/// the provider's id, threaded (email), and the conversation reopened when the customer writes.
/// </summary>
public sealed class InboundMessageRecorder(
    IdentityMatcher matcher, OutboundEchoMatcher echoes, DeliveryStatusRecorder statuses, MentionScanner mentions, TimeProvider time,
    ILogger<InboundMessageRecorder> logger)
{
    // The queries every inbound message runs are compiled: translating and caching a LINQ query costs more than running it.
    private static readonly Func<FlowsDbContext, ChannelKind, string, CancellationToken, Task<bool>> AlreadyStored =
        EF.CompileAsyncQuery((FlowsDbContext db, ChannelKind channel, string externalId, CancellationToken _) =>
            db.Messages.Any(m => m.Channel == channel && m.ExternalId == externalId));

    /// <summary>
    /// Records the message in <paramref name="db"/> without saving it: the caller saves, after one message or many.
    /// <paramref name="lookahead"/> answers what it knows (and learns what this message records), so messages recorded
    /// before the same save find each other's profiles, conversations and ids.
    /// </summary>
    /// <returns>The recorded message, or null when it was already stored (a redelivery or our own echo).</returns>
    public async Task<Message?> RecordAsync(
        FlowsDbContext db, InboundEvent delivery, InboundMessage item, InboundLookahead lookahead, CancellationToken cancellationToken)
    {
        var channel = delivery.Channel;
        if (lookahead.IsStored(channel, item.ExternalId) ?? await AlreadyStored(db, channel, item.ExternalId, cancellationToken))
        {
            return null;
        }

        if (await echoes.IsOwnAsync(db, channel, item, cancellationToken))
        {
            // The echo of a message this app sent: the send already stored it.
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (contact, identity) = await matcher.ResolveAsync(db, channel, item.Customer, lookahead.ProfileOf(channel, item.Customer), cancellationToken);
        var replyTo = await FindRepliedToAsync(db, channel, contact.Id, item, lookahead, cancellationToken);
        var message = NewMessage(delivery, item, contact.Id, identity.Id, replyTo, now);
        db.Messages.Add(message);
        if (item.Direction == MessageDirection.Outbound)
        {
            // Statuses of a message sent elsewhere may arrive before its echo.
            await statuses.ApplyPendingAsync(db, message, cancellationToken);
        }

        // Created by this message: a contact an earlier message of the same unit of work created is unsaved (Added) too.
        var createdHere = db.Entry(contact).State == EntityState.Added && !lookahead.HasRecordedFor(contact.Id);
        // A profile this message created has no thread yet, stored or recorded: it is started without asking.
        var conversation = lookahead.ConversationOf(contact.Id)
            ?? (createdHere ? db.StartConversation(contact.Id, now) : await db.ForContactAsync(contact.Id, now, cancellationToken));
        conversation.MessageAdded(message.SentAt, now);
        if (createdHere)
        {
            db.RaiseAutomationEvent(AutomationEventTypes.ContactCreated, contact.Id, new { channel }, causedByAutomation: false, now);
        }

        if (item.Direction == MessageDirection.Inbound)
        {
            db.RaiseAutomationEvent(AutomationEventTypes.MessageReceived, contact.Id,
                MessageReceivedPayload(message, firstMessage: conversation.LastCustomerMessageAt is null), causedByAutomation: false, now);
            identity.CustomerWrote(message.SentAt, item.FromFreeEntryPoint);
            if (conversation.CustomerWrote(channel, message.SentAt))
            {
                logger.LogInformation("Conversation of contact {ContactId} reopened by a new {Channel} message", contact.Id, channel);
            }

            await mentions.ScanAsync(db, contact.Id, item.Text, cancellationToken);
        }

        lookahead.Recorded(item, message, contact, conversation);
        return message;
    }

    private static async Task<Guid?> FindRepliedToAsync(FlowsDbContext db, ChannelKind channel, Guid contactId, InboundMessage item,
        InboundLookahead lookahead, CancellationToken cancellationToken)
    {
        if (item.ReplyToExternalId is { } repliedTo)
        {
            return lookahead.RecordedMessageId(channel, repliedTo) ?? await db.Messages.Where(m => m.Channel == channel && m.ExternalId == repliedTo)
                .Select(m => (Guid?)m.Id).FirstOrDefaultAsync(cancellationToken);
        }

        string[] ids = [.. new[] { item.EmailInReplyTo }.Concat(item.EmailReferences).OfType<string>()];
        if (ids.Length == 0)
        {
            return null;
        }

        var candidates = await db.Messages
            .Where(m => m.ContactId == contactId && m.EmailMessageId != null && ids.Contains(m.EmailMessageId))
            .Select(m => new { m.Id, m.EmailMessageId })
            .ToListAsync(cancellationToken);
        // In-Reply-To names the direct parent; References lists the thread oldest first.
        return candidates.OrderBy(c => c.EmailMessageId == item.EmailInReplyTo ? 0 : 1)
            .ThenByDescending(c => Array.IndexOf(ids, c.EmailMessageId))
            .Select(c => (Guid?)c.Id).FirstOrDefault();
    }

    /// <summary>The message <paramref name="item"/> of <paramref name="delivery"/> as it is stored, from the matched sender.</summary>
    internal static Message NewMessage(InboundEvent delivery, InboundMessage item, Guid contactId, Guid identityId, Guid? replyTo, DateTime now) => new()
    {
        ContactId = contactId,
        Channel = delivery.Channel,
        ChannelIdentityId = identityId,
        Direction = item.Direction,
        Origin = item.Direction == MessageDirection.Inbound ? MessageOrigin.Customer : MessageOrigin.Agent,
        AuthorName = item.Direction == MessageDirection.Outbound ? "Sent outside Omnichannel.Flows" : null,
        Kind = item.Kind,
        Text = item.Text,
        Details = item.Details,
        ExternalId = item.ExternalId,
        SentAt = item.SentAt,
        CreatedAt = now,
        Status = item.Direction == MessageDirection.Inbound ? DeliveryStatus.Received : DeliveryStatus.Sent,
        StatusAt = now,
        EmailSubject = item.EmailSubject,
        EmailMessageId = item.EmailMessageId,
        EmailInReplyTo = item.EmailInReplyTo,
        ReplyToMessageId = replyTo,
        InboundEventId = delivery.Id,
    };

    /// <summary>What a <see cref="AutomationEventTypes.MessageReceived"/> event says of the customer's message.</summary>
    /// <param name="firstMessage">Whether it is the customer's first message in their thread.</param>
    internal static object MessageReceivedPayload(Message message, bool firstMessage) => new
    {
        messageId = message.Id,
        channel = message.Channel,
        text = message.Text,
        kind = message.Kind,
        sentAt = message.SentAt,
        firstMessage,
    };
}
