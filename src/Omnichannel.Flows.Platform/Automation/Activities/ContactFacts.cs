using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// The facts flows read about a contact, loaded with a fixed handful of queries (profile, conversation, latest customer
/// message, channel identities) however many facts a flow reads:
/// <list type="bullet">
/// <item><c>contact.id</c>, <c>contact.display_name</c>, <c>contact.first_name</c>, <c>contact.last_name</c>,
/// <c>contact.phone</c> (first verified), <c>contact.email</c> (first verified), <c>contact.tags</c> (list),
/// <c>contact.fields.&lt;key&gt;</c>, <c>contact.locale</c>, <c>contact.time_zone</c>;</item>
/// <item><c>conversation.status</c> (<c>open</c> / <c>resolved</c>), <c>conversation.assigned</c> (an agent or a team),
/// <c>conversation.assignee_team</c> (name), <c>conversation.assignee_team_id</c>, <c>conversation.assignee_user_id</c>,
/// <c>conversation.last_customer_channel</c>, <c>conversation.last_customer_message_at</c>,
/// <c>conversation.awaiting_reply</c> (the customer wrote last: nothing was sent to them since, failed sends aside);</item>
/// <item><c>window.&lt;channel&gt;.open</c> and <c>window.&lt;channel&gt;.closes_at</c> for whatsapp, messenger, instagram
/// and tiktok (the identity a send would go to);</item>
/// <item><c>message.text</c>, <c>message.channel</c>, <c>message.sent_at</c>: the customer's latest message.</item>
/// </list>
/// A merged-away contact id reads the surviving profile.
/// </summary>
public sealed class ContactFactsFactory(IDbContextFactory<FlowsDbContext> dbs, ServiceWindowPolicy windows, TimeProvider time) : IFlowFactsFactory
{
    /// <summary>The channels with a service window, whose <c>window.*</c> facts are set.</summary>
    public static readonly IReadOnlyList<ChannelKind> WindowedChannels = [ChannelKind.WhatsApp, ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.TikTok];

    public async Task<IFlowFacts> CreateAsync(Guid? contactId, CancellationToken cancellationToken)
    {
        if (contactId is not { } requested)
        {
            return DictionaryFlowFacts.Empty;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var contact = await LoadContactAsync(db, requested, cancellationToken);
        if (contact is null)
        {
            return DictionaryFlowFacts.Empty;
        }

        var facts = new Dictionary<string, FactValue>(StringComparer.Ordinal);
        AddContact(facts, contact);
        await AddConversationAsync(db, facts, contact.Id, cancellationToken);
        await AddLatestMessageAsync(db, facts, contact.Id, cancellationToken);
        await AddWindowsAsync(db, facts, contact.Id, cancellationToken);
        return new DictionaryFlowFacts(facts.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static async Task<ContactRow?> LoadContactAsync(FlowsDbContext db, Guid id, CancellationToken cancellationToken)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            var row = await db.Contacts.AsNoTracking().Where(c => c.Id == id)
                .Select(c => new ContactRow(
                    c.Id, c.MergedIntoId, c.DisplayName, c.FirstName, c.LastName, c.Locale, c.TimeZone,
                    c.Phones.Where(p => p.Verified).OrderBy(p => p.AddedAt).Select(p => p.Number).FirstOrDefault(),
                    c.Emails.Where(e => e.Verified).OrderBy(e => e.AddedAt).Select(e => e.Address).FirstOrDefault(),
                    c.Tags.OrderBy(t => t.Tag).Select(t => t.Tag).ToList(),
                    c.Fields.Select(f => new FieldRow(f.Key, f.Value)).ToList()))
                .AsSplitQuery()
                .FirstOrDefaultAsync(cancellationToken);
            if (row?.MergedIntoId is not { } survivor)
            {
                return row;
            }

            id = survivor;
        }

        return null;
    }

    private static void AddContact(Dictionary<string, FactValue> facts, ContactRow contact)
    {
        facts["contact.id"] = FactValue.From(contact.Id.ToString());
        Add(facts, "contact.display_name", contact.DisplayName);
        Add(facts, "contact.first_name", contact.FirstName);
        Add(facts, "contact.last_name", contact.LastName);
        Add(facts, "contact.phone", contact.Phone);
        Add(facts, "contact.email", contact.Email);
        Add(facts, "contact.locale", contact.Locale);
        Add(facts, "contact.time_zone", contact.TimeZone);
        facts["contact.tags"] = FactValue.From(contact.Tags.ToArray());
        foreach (var field in contact.Fields)
        {
            facts["contact.fields." + field.Key] = FactValue.From(field.Value);
        }
    }

    private static async Task AddConversationAsync(FlowsDbContext db, Dictionary<string, FactValue> facts, Guid contactId, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.ContactId == contactId)
            .Select(c => new
            {
                c.Status,
                c.AssignedUserId,
                c.AssignedTeamId,
                TeamName = db.Teams.Where(t => t.Id == c.AssignedTeamId).Select(t => t.Name).FirstOrDefault(),
                c.LastCustomerChannel,
                c.LastCustomerMessageAt,
            })
            .FirstOrDefaultAsync(cancellationToken);

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

    private static async Task AddLatestMessageAsync(FlowsDbContext db, Dictionary<string, FactValue> facts, Guid contactId, CancellationToken cancellationToken)
    {
        var latest = await db.Messages.AsNoTracking()
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
            .FirstOrDefaultAsync(cancellationToken);
        facts["conversation.awaiting_reply"] = FactValue.From(latest is { Answered: false });
        if (latest is null)
        {
            return;
        }

        Add(facts, "message.text", latest.Text);
        facts["message.channel"] = FactValue.From(latest.Channel.ToName());
        facts["message.sent_at"] = FactValue.From(new DateTimeOffset(latest.SentAt, TimeSpan.Zero));
    }

    private async Task AddWindowsAsync(FlowsDbContext db, Dictionary<string, FactValue> facts, Guid contactId, CancellationToken cancellationToken)
    {
        var identities = await db.ChannelIdentities.AsNoTracking()
            .Where(i => i.ContactId == contactId)
            .Select(i => new { i.Channel, i.LastSeenAt, i.LastInboundAt, i.LastInboundFromFreeEntryPoint })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var channel in WindowedChannels)
        {
            // The identity a send goes to (RecipientResolver: the most recently seen one on the channel).
            var identity = identities.Where(i => i.Channel == channel).MaxBy(i => i.LastSeenAt);
            var window = windows.Evaluate(channel, identity?.LastInboundAt, identity?.LastInboundFromFreeEntryPoint ?? false, now);
            var prefix = "window." + channel.ToName();
            facts[prefix + ".open"] = FactValue.From(window.Open);
            if (window.ClosesAt is { } closesAt)
            {
                facts[prefix + ".closes_at"] = FactValue.From(new DateTimeOffset(closesAt, TimeSpan.Zero));
            }
        }
    }

    private static void Add(Dictionary<string, FactValue> facts, string path, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            facts[path] = FactValue.From(value);
        }
    }

    private sealed record ContactRow(
        Guid Id, Guid? MergedIntoId, string DisplayName, string? FirstName, string? LastName, string? Locale, string? TimeZone,
        string? Phone, string? Email, List<string> Tags, List<FieldRow> Fields);

    private sealed record FieldRow(string Key, string Value);
}
