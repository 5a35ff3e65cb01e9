using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// The facts flows read about a contact. Nothing is read when the facts are made: each group is read the first time a
/// flow reads one of its paths, with one query, and then kept for the rest of the runner call. The first read also finds
/// the contact (a merged-away id reads the surviving profile; an unknown one has no facts), together with its tags — so a
/// run that only asks <c>contact.tags</c>, and then acts on the contact, costs one short query:
/// <list type="bullet">
/// <item><c>contact.id</c> (the surviving contact's); <c>contact.tags</c> (list); <c>contact.display_name</c>,
/// <c>contact.first_name</c>, <c>contact.last_name</c>, <c>contact.phone</c> (first verified), <c>contact.email</c>
/// (first verified), <c>contact.locale</c>, <c>contact.time_zone</c> (the profile); <c>contact.fields.&lt;key&gt;</c>;</item>
/// <item><c>conversation.status</c> (<c>open</c> / <c>resolved</c>), <c>conversation.assigned</c> (an agent or a team),
/// <c>conversation.assignee_team</c> (name), <c>conversation.assignee_team_id</c>, <c>conversation.assignee_user_id</c>,
/// <c>conversation.last_customer_channel</c>, <c>conversation.last_customer_message_at</c>;</item>
/// <item><c>message.text</c>, <c>message.channel</c>, <c>message.sent_at</c>: the customer's latest message, and
/// <c>conversation.awaiting_reply</c> (the customer wrote last: nothing was sent to them since, failed sends aside);</item>
/// <item><c>window.&lt;channel&gt;.open</c> and <c>window.&lt;channel&gt;.closes_at</c> for whatsapp, messenger, instagram
/// and tiktok (the identity a send would go to).</item>
/// </list>
/// </summary>
public sealed class ContactFactsFactory : IFlowFactsFactory
{
    /// <summary>The channels with a service window, whose <c>window.*</c> facts are set.</summary>
    public static readonly IReadOnlyList<ChannelKind> WindowedChannels = [ChannelKind.WhatsApp, ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.TikTok];

    /// <summary>How many merges are followed from the contact a run is for to the surviving one.</summary>
    private const int MaxMergeHops = 16;

    // Fields, not primary-constructor parameters: the facts class below reads them for the groups it loads later.
    private readonly IDbContextFactory<FlowsDbContext> dbs;
    private readonly PlainReads reads;
    private readonly ServiceWindowPolicy windows;
    private readonly TimeProvider time;

    public ContactFactsFactory(IDbContextFactory<FlowsDbContext> dbs, PlainReads reads, ServiceWindowPolicy windows, TimeProvider time)
    {
        this.dbs = dbs;
        this.reads = reads;
        this.windows = windows;
        this.time = time;
    }

    public Task<IFlowFacts> CreateAsync(Guid? contactId, CancellationToken cancellationToken) =>
        Task.FromResult(contactId is { } requested ? new ContactFacts(this, requested) : DictionaryFlowFacts.Empty);

    /// <summary>
    /// Every run with a contact finds it (and its tags) with this, a plain read (<see cref="PlainReads"/>); the profile
    /// only when a flow reads it. Flat, a row per tag, ordered by tag (one row without a tag for an untagged contact).
    /// </summary>
    private List<TaggedContactRow> TaggedContactOf(Guid id) => reads.Query("facts:tagged-contact", commands =>
    {
        var (contacts, tags) = (commands.Entity(typeof(Contact)), commands.Entity(typeof(ContactTag)));
        var (contactId, merged) = (PreparedCommands.Property(contacts, nameof(Contact.Id)), PreparedCommands.Property(contacts, nameof(Contact.MergedIntoId)));
        var (tagContact, tag) = (PreparedCommands.Property(tags, nameof(ContactTag.ContactId)), PreparedCommands.Property(tags, nameof(ContactTag.Tag)));
        return ($"SELECT c.{commands.Column(merged)}, t.{commands.Column(tag)} FROM {commands.Table(contacts)} AS c " +
                $"LEFT JOIN {commands.Table(tags)} AS t ON t.{commands.Column(tagContact)} = c.{commands.Column(contactId)} " +
                $"WHERE c.{commands.Column(contactId)} = {commands.Parameter(0)} ORDER BY t.{commands.Column(tag)}", [contactId]);
    }, [id], row => new TaggedContactRow(row.IsDBNull(0) ? null : row.GetFieldValue<Guid>(0), row.IsDBNull(1) ? null : row.GetString(1)));

    private static readonly Func<FlowsDbContext, Guid, ContactRow?> ProfileOf =
        EF.CompileQuery((FlowsDbContext db, Guid id) => db.Contacts.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new ContactRow(
                c.DisplayName, c.FirstName, c.LastName, c.Locale, c.TimeZone,
                c.Phones.Where(p => p.Verified).OrderBy(p => p.AddedAt).Select(p => p.Number).FirstOrDefault(),
                c.Emails.Where(e => e.Verified).OrderBy(e => e.AddedAt).Select(e => e.Address).FirstOrDefault()))
            .FirstOrDefault());

    /// <summary>One contact's facts, each group read on first use (synchronously: a fact is read inside a condition or a Liquid text).</summary>
    private sealed class ContactFacts(ContactFactsFactory factory, Guid requested) : IFlowFacts
    {
        private readonly Dictionary<string, FactValue> facts = new(StringComparer.Ordinal);
        private readonly HashSet<FactGroup> loaded = [];

        /// <summary>The surviving contact, once found; null before, and for a contact that does not exist.</summary>
        private Guid? found;

        public bool TryGetValue(string path, out FactValue value)
        {
            lock (facts)
            {
                if (GroupOf(path) is { } group && !loaded.Contains(group))
                {
                    if (loaded.Add(FactGroup.Contact))
                    {
                        Find();
                    }

                    if (found is { } id && loaded.Add(group))
                    {
                        using var db = factory.dbs.CreateDbContext();
                        Load(db, id, group);
                    }
                }

                return facts.TryGetValue(path, out value);
            }
        }

        /// <summary>Follows merges to the surviving contact, whose id and tags come with the same query.</summary>
        private void Find()
        {
            var id = requested;
            for (var hops = 0; hops < MaxMergeHops; hops++)
            {
                if (factory.TaggedContactOf(id) is not [var first, ..] rows)
                {
                    return;
                }

                if (first.MergedIntoId is { } survivor)
                {
                    id = survivor;
                    continue;
                }

                found = id;
                facts["contact.id"] = FactValue.From(id.ToString());
                facts["contact.tags"] = FactValue.From(rows.Select(row => row.Tag).OfType<string>().ToArray());
                loaded.Add(FactGroup.Tags);
                return;
            }
        }

        private static FactGroup? GroupOf(string path) => path switch
        {
            "contact.id" => FactGroup.Contact,
            "contact.tags" => FactGroup.Tags,
            _ when path.StartsWith("contact.fields.", StringComparison.Ordinal) => FactGroup.Fields,
            "conversation.awaiting_reply" => FactGroup.LatestMessage,
            _ when path.StartsWith("conversation.", StringComparison.Ordinal) => FactGroup.Conversation,
            _ when path.StartsWith("message.", StringComparison.Ordinal) => FactGroup.LatestMessage,
            _ when path.StartsWith("window.", StringComparison.Ordinal) => FactGroup.Windows,
            _ when path.StartsWith("contact.", StringComparison.Ordinal) => FactGroup.Profile,
            _ => null,
        };

        private void Load(FlowsDbContext db, Guid contactId, FactGroup group)
        {
            switch (group)
            {
                case FactGroup.Profile:
                    AddProfile(db, contactId);
                    break;
                case FactGroup.Fields:
                    foreach (var field in db.ContactFields.AsNoTracking().Where(f => f.ContactId == contactId).Select(f => new { f.Key, f.Value }))
                    {
                        facts["contact.fields." + field.Key] = FactValue.From(field.Value);
                    }

                    break;
                case FactGroup.Conversation:
                    AddConversation(db, contactId);
                    break;
                case FactGroup.LatestMessage:
                    AddLatestMessage(db, contactId);
                    break;
                case FactGroup.Windows:
                    AddWindows(db, contactId);
                    break;
            }
        }

        private void AddProfile(FlowsDbContext db, Guid contactId)
        {
            if (ProfileOf(db, contactId) is not { } contact)
            {
                return;
            }

            Add(facts, "contact.display_name", contact.DisplayName);
            Add(facts, "contact.first_name", contact.FirstName);
            Add(facts, "contact.last_name", contact.LastName);
            Add(facts, "contact.phone", contact.Phone);
            Add(facts, "contact.email", contact.Email);
            Add(facts, "contact.locale", contact.Locale);
            Add(facts, "contact.time_zone", contact.TimeZone);
        }

        private void AddConversation(FlowsDbContext db, Guid contactId)
        {
            var conversation = db.Conversations.AsNoTracking().Where(c => c.ContactId == contactId)
                .Select(c => new
                {
                    c.Status,
                    c.AssignedUserId,
                    c.AssignedTeamId,
                    TeamName = db.Teams.Where(t => t.Id == c.AssignedTeamId).Select(t => t.Name).FirstOrDefault(),
                    c.LastCustomerChannel,
                    c.LastCustomerMessageAt,
                })
                .FirstOrDefault();

            // A contact without a conversation row yet has an open, unassigned one (it is created open on first use).
            facts["conversation.status"] = FactValue.From((conversation?.Status ?? ConversationStatus.Open) == ConversationStatus.Open ? "open" : "resolved");
            facts["conversation.assigned"] = FactValue.From(conversation is { AssignedUserId: not null } or { AssignedTeamId: not null });
            Add(facts, "conversation.assignee_user_id", conversation?.AssignedUserId);
            Add(facts, "conversation.assignee_team_id", conversation?.AssignedTeamId?.ToString());
            Add(facts, "conversation.assignee_team", conversation?.TeamName);
            Add(facts, "conversation.last_customer_channel", conversation?.LastCustomerChannel?.ToName());
            if (conversation?.LastCustomerMessageAt is { } at)
            {
                facts["conversation.last_customer_message_at"] = FactValue.From(new DateTimeOffset(at, TimeSpan.Zero));
            }
        }

        private void AddLatestMessage(FlowsDbContext db, Guid contactId)
        {
            var latest = db.Messages.AsNoTracking()
                .Where(m => m.ContactId == contactId && m.Direction == MessageDirection.Inbound)
                .OrderByDescending(m => m.SentAt).ThenByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
                .Select(m => new
                {
                    m.Text,
                    m.Channel,
                    m.SentAt,
                    Answered = db.Messages.Any(o => o.ContactId == contactId && o.Direction == MessageDirection.Outbound
                                                    && o.Status != DeliveryStatus.Failed && o.SentAt >= m.SentAt),
                })
                .FirstOrDefault();
            facts["conversation.awaiting_reply"] = FactValue.From(latest is { Answered: false });
            if (latest is null)
            {
                return;
            }

            Add(facts, "message.text", latest.Text);
            facts["message.channel"] = FactValue.From(latest.Channel.ToName());
            facts["message.sent_at"] = FactValue.From(new DateTimeOffset(latest.SentAt, TimeSpan.Zero));
        }

        private void AddWindows(FlowsDbContext db, Guid contactId)
        {
            var identities = db.ChannelIdentities.AsNoTracking()
                .Where(i => i.ContactId == contactId)
                .Select(i => new { i.Channel, i.LastSeenAt, i.LastInboundAt, i.LastInboundFromFreeEntryPoint })
                .ToList();
            var now = factory.time.GetUtcNow().UtcDateTime;
            foreach (var channel in WindowedChannels)
            {
                // The identity a send goes to (RecipientResolver: the most recently seen one on the channel).
                var identity = identities.Where(i => i.Channel == channel).MaxBy(i => i.LastSeenAt);
                var window = factory.windows.Evaluate(channel, identity?.LastInboundAt, identity?.LastInboundFromFreeEntryPoint ?? false, now);
                var prefix = "window." + channel.ToName();
                facts[prefix + ".open"] = FactValue.From(window.Open);
                if (window.ClosesAt is { } closesAt)
                {
                    facts[prefix + ".closes_at"] = FactValue.From(new DateTimeOffset(closesAt, TimeSpan.Zero));
                }
            }
        }
    }

    /// <summary>What one query reads; <see cref="FactGroup.Contact"/> finds the surviving contact (and its tags).</summary>
    private enum FactGroup { Contact, Tags, Profile, Fields, Conversation, LatestMessage, Windows }

    private static void Add(Dictionary<string, FactValue> facts, string path, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            facts[path] = FactValue.From(value);
        }
    }

    /// <summary>A contact and one of its tags (null: it has none).</summary>
    private sealed record TaggedContactRow(Guid? MergedIntoId, string? Tag);

    private sealed record ContactRow(string DisplayName, string? FirstName, string? LastName, string? Locale, string? TimeZone, string? Phone, string? Email);
}
