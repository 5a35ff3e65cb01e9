using Hangfire;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Puts a message in the outbox: stored <see cref="DeliveryStatus.Queued"/> in the customer's thread, then handed to
/// <see cref="OutboundDispatchJob"/>. The send itself is asynchronous; callers get the queued message.
/// </summary>
public sealed class MessageSender(
    FlowsDbContext db, ChannelRegistry channels, RecipientResolver recipients, IBackgroundJobClient jobs,
    ConversationEvents events, TimeProvider time)
{
    public async Task<SendRequestResult> QueueTextAsync(SendTextRequest request, CancellationToken cancellationToken)
    {
        var contactExists = await db.Contacts.AnyAsync(c => c.Id == request.ContactId && c.MergedIntoId == null, cancellationToken);
        if (!contactExists)
        {
            return SendRequestResult.Refused(SendRefusal.ContactNotFound, "No such contact.", "/contactId");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var conversation = await db.ForContactAsync(request.ContactId, now, cancellationToken);
        var channel = request.Channel ?? conversation.LastCustomerChannel
            ?? await db.ChannelIdentities.Where(i => i.ContactId == request.ContactId)
                .OrderByDescending(i => i.LastSeenAt).Select(i => (ChannelKind?)i.Channel).FirstOrDefaultAsync(cancellationToken);
        if (channel is not { } chosen)
        {
            return SendRequestResult.Refused(SendRefusal.NoRecipient, "The customer has no channel to reply on.", "/channel");
        }

        if (!channels.IsEnabled(chosen))
        {
            return SendRequestResult.Refused(SendRefusal.ChannelDisabled, $"The {chosen.ToName()} channel is disabled.", "/channel");
        }

        var identity = await recipients.ResolveAsync(db, request.ContactId, chosen, cancellationToken);
        if (identity is null)
        {
            return SendRequestResult.Refused(SendRefusal.NoRecipient,
                $"The customer cannot be reached on {chosen.ToName()}: no identity, phone or email for it.", "/channel");
        }

        var lastEmail = chosen == ChannelKind.Email ? await LastInboundEmailAsync(request.ContactId, cancellationToken) : null;
        var message = new Message
        {
            ContactId = request.ContactId,
            Channel = chosen,
            ChannelIdentityId = identity.Id,
            Direction = MessageDirection.Outbound,
            Origin = request.Origin,
            AuthorUserId = request.AuthorUserId,
            AuthorName = request.AuthorName,
            Kind = MessageKind.Text,
            Text = request.Text,
            SentAt = now,
            CreatedAt = now,
            Status = DeliveryStatus.Queued,
            StatusAt = now,
            EmailSubject = chosen == ChannelKind.Email ? request.Subject ?? ReplySubject(lastEmail?.EmailSubject) : null,
            EmailInReplyTo = lastEmail?.EmailMessageId,
            ReplyToMessageId = lastEmail?.Id,
        };
        db.Messages.Add(message);
        conversation.LastMessageAt = now;
        conversation.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);

        // Enqueued after the commit; if the process dies in between, OutboxRecovery enqueues it on start.
        jobs.Enqueue<OutboundDispatchJob>(j => j.RunAsync(message.Id, CancellationToken.None));
        events.Publish(new MessageRecorded(message.ContactId, message.Id, message.Channel, message.Direction));
        return SendRequestResult.Queued(message);
    }

    private Task<Message?> LastInboundEmailAsync(Guid contactId, CancellationToken cancellationToken) =>
        db.Messages.AsNoTracking()
            .Where(m => m.ContactId == contactId && m.Channel == ChannelKind.Email && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.SentAt)
            .FirstOrDefaultAsync(cancellationToken);

    private static string ReplySubject(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? "Your message"
        : subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";
}

public sealed record SendTextRequest(Guid ContactId, ChannelKind? Channel, string Text, MessageOrigin Origin)
{
    public string? AuthorUserId { get; init; }
    public string? AuthorName { get; init; }
    public string? Subject { get; init; }
}

public enum SendRefusal { ContactNotFound, NoRecipient, ChannelDisabled }

public sealed record SendRequestResult(Message? Message, SendRefusal? Refusal, string? Detail, string? Pointer)
{
    public static SendRequestResult Queued(Message message) => new(message, null, null, null);

    public static SendRequestResult Refused(SendRefusal refusal, string detail, string pointer) => new(null, refusal, detail, pointer);
}
