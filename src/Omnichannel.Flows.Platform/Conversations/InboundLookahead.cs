using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// What the messages recorded in one unit of work already know about each other and about the database: which message
/// ids are stored, which profile each sender's identity belongs to (or that it has none yet), each profile's
/// conversation. <see cref="LoadAsync"/> fills it for many deliveries with one query each, where recording them one by
/// one would ask per message; what a message records is added as it goes, so the next one in the same unit finds the
/// contact or message an earlier one created before anything is saved. Anything it does not know is asked of the
/// database as usual.
/// </summary>
public sealed class InboundLookahead
{
    private readonly HashSet<(ChannelKind, string)> messagesChecked = [];
    private readonly Dictionary<(ChannelKind, string), Guid?> messagesStored = [];
    private readonly Dictionary<(ChannelKind, string), Contact?> profiles = [];
    private readonly Dictionary<Guid, Conversation> conversations = [];
    private readonly HashSet<Guid> contactsRecorded = [];

    /// <summary>
    /// Loads, tracked, the profiles (phones, emails, identities) and conversations of the senders of
    /// <paramref name="messages"/>, and which of the messages are stored already.
    /// </summary>
    public static async Task<InboundLookahead> LoadAsync(
        FlowsDbContext db, IEnumerable<(ChannelKind Channel, InboundMessage Message)> messages, CancellationToken cancellationToken)
    {
        var lookahead = new InboundLookahead();
        var contactIds = new HashSet<Guid>();
        var contactOf = new List<(ChannelKind Channel, string ExternalId, Guid ContactId)>();
        foreach (var channel in messages.GroupBy(m => m.Channel, m => m.Message))
        {
            string[] messageIds = [.. channel.Select(m => m.ExternalId).Distinct()];
            var stored = await StoredAsync(db, channel.Key, messageIds, cancellationToken);
            foreach (var id in messageIds)
            {
                lookahead.messagesChecked.Add((channel.Key, id));
            }

            foreach (var id in stored)
            {
                lookahead.messagesStored[(channel.Key, id)] = null;
            }

            // Senders known by one id only: those with several are matched on all of them (IdentityMatcher).
            string[] senders = [.. channel.Where(m => m.Customer.AlternateIds.All(string.IsNullOrEmpty))
                .Select(m => m.Customer.ExternalId).Distinct()];
            var identities = await db.ChannelIdentities
                .Where(i => i.Channel == channel.Key && senders.Contains(i.ExternalId))
                .Select(i => new { i.ExternalId, i.ContactId })
                .ToListAsync(cancellationToken);
            foreach (var sender in senders)
            {
                lookahead.profiles[(channel.Key, sender)] = null;
            }

            foreach (var identity in identities)
            {
                contactOf.Add((channel.Key, identity.ExternalId, identity.ContactId));
                contactIds.Add(identity.ContactId);
            }
        }

        if (contactIds.Count == 0)
        {
            return lookahead;
        }

        Guid[] ids = [.. contactIds];
        var contacts = await IdentityMatcher.LoadProfilesAsync(db, ids, cancellationToken);
        foreach (var (channel, externalId, contactId) in contactOf)
        {
            lookahead.profiles[(channel, externalId)] = contacts[contactId];
        }

        foreach (var conversation in await db.Conversations.Where(c => ids.Contains(c.ContactId)).ToListAsync(cancellationToken))
        {
            lookahead.conversations[conversation.ContactId] = conversation;
        }

        return lookahead;
    }

    /// <summary>Which of the messages <paramref name="externalIds"/> of <paramref name="channel"/> are stored.</summary>
    public static Task<List<string>> StoredAsync(FlowsDbContext db, ChannelKind channel, string[] externalIds, CancellationToken cancellationToken) =>
        db.Messages
            .Where(m => m.Channel == channel && externalIds.Contains(m.ExternalId))
            .Select(m => m.ExternalId!)
            .ToListAsync(cancellationToken);

    /// <returns>Whether the message is stored (or recorded in this unit of work); null when not known here.</returns>
    public bool? IsStored(ChannelKind channel, string externalId) =>
        messagesStored.ContainsKey((channel, externalId)) ? true
        : messagesChecked.Contains((channel, externalId)) ? false
        : null;

    /// <summary>The id of a message recorded in this unit of work, not saved yet.</summary>
    public Guid? RecordedMessageId(ChannelKind channel, string externalId) =>
        messagesStored.GetValueOrDefault((channel, externalId));

    /// <summary>The profile a sender known by one id belongs to, or that it has none yet; null when not known here.</summary>
    public KnownProfile? ProfileOf(ChannelKind channel, CustomerIdentity customer) =>
        customer.AlternateIds.All(string.IsNullOrEmpty) && profiles.TryGetValue((channel, customer.ExternalId), out var contact)
            ? new KnownProfile(contact)
            : null;

    public Conversation? ConversationOf(Guid contactId) => conversations.GetValueOrDefault(contactId);

    /// <summary>Whether a message of this unit of work was recorded for the contact already (it may still be unsaved).</summary>
    public bool HasRecordedFor(Guid contactId) => contactsRecorded.Contains(contactId);

    /// <summary>Remembers what recording <paramref name="message"/> created or changed, for the messages after it.</summary>
    public void Recorded(InboundMessage item, Message message, Contact contact, Conversation conversation)
    {
        messagesStored[(message.Channel, item.ExternalId)] = message.Id;
        foreach (var id in item.Customer.AlternateIds.Prepend(item.Customer.ExternalId).Where(id => !string.IsNullOrEmpty(id)))
        {
            profiles[(message.Channel, id)] = contact;
        }

        conversations[contact.Id] = conversation;
        contactsRecorded.Add(contact.Id);
    }
}
