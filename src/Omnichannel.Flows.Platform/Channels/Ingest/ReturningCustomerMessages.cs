using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// For <see cref="CustomerMessageSlices"/>: records what customers writing again say without change tracking (ADR 4),
/// which is what a backlog is made of. A message takes this path when its sender is known by one id whose identity,
/// profile (its proven phone or email already on it, verified) and thread exist, and when recording it changes nothing
/// else: not a consent keyword, not a reply, mentioning no phone or email, not stored yet, the profile's names as the
/// channel gives them. <see cref="ReadAsync"/> reads the senders with plain queries, <see cref="Record"/> applies the
/// same rules as <see cref="InboundMessageRecorder"/> (they live on <see cref="ChannelIdentity"/>,
/// <see cref="Conversation"/> and <see cref="Contact"/>) to untracked rows, and <see cref="WriteAsync"/> writes them with
/// prepared statements, each update conditional on the values it was computed from. Anything else, or a row another
/// writer changed meanwhile, is recorded by the tracked path.
/// </summary>
public sealed class ReturningCustomerMessages(
    PhoneNumberNormalizer phoneNumbers, MentionScanner mentions, InboundConsentHandler consent, TimeProvider time)
{
    /// <summary>What the read found of the run's senders, and of its messages stored already.</summary>
    internal sealed class Senders
    {
        public Dictionary<(ChannelKind Channel, string ExternalId), ReturningSender> Known { get; } = [];
        public HashSet<(ChannelKind Channel, string ExternalId)> StoredMessages { get; } = [];
        public HashSet<(Guid ContactId, string MatchKey)> VerifiedPhones { get; } = [];
        public HashSet<(Guid ContactId, string Address)> VerifiedEmails { get; } = [];
    }

    /// <summary>
    /// A sender as read: their identity and thread (untracked; the rules change them as messages are recorded; two
    /// identities of one profile share its thread) and their profile's names.
    /// </summary>
    internal sealed record ReturningSender(ReadRow<ChannelIdentity> Identity, ReadRow<Conversation> Thread, Contact Names)
    {
        public Guid ContactId => Identity.Row.ContactId;
    }

    /// <summary>A row read to be updated, with the values its conditional update compares with.</summary>
    internal sealed class ReadRow<TRow>(TRow row, MappedColumns columns) : IReadRow
        where TRow : class
    {
        public TRow Row => row;
        object IReadRow.Row => row;
        public MappedColumns Columns => columns;
        public object?[] AsRead { get; } = MappedColumns.Values(columns.Compared, row);

        /// <summary>Whether a message of the slice changed it (it is written then).</summary>
        public bool Touched { get; set; }
    }

    internal interface IReadRow
    {
        object Row { get; }
        MappedColumns Columns { get; }
        object?[] AsRead { get; }
    }

    /// <summary>The columns of a row type a message changes, and those its conditional update compares with what was read.</summary>
    internal sealed class Columns(Type type, string[] written, string[] compared)
    {
        private MappedColumns? mapped;

        /// <summary>These columns in <paramref name="model"/>: looked up once, not for every row a slice updates.</summary>
        public MappedColumns In(IModel model)
        {
            if (mapped is { } known && known.Entity.Model == model)
            {
                return known;
            }

            var entity = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            return mapped = new MappedColumns(entity, entity.FindPrimaryKey()!.Properties[0],
                [.. written.Select(name => PreparedCommands.Property(entity, name))], [.. compared.Select(name => PreparedCommands.Property(entity, name))]);
        }
    }

    /// <summary><see cref="Columns"/> as properties of one model: their column names, type mappings and getters.</summary>
    internal sealed record MappedColumns(IEntityType Entity, IProperty Key, IProperty[] Written, IProperty[] Compared)
    {
        public static object?[] Values(IEnumerable<IProperty> properties, object row) =>
            [.. properties.Select(p => p.GetGetter().GetClrValueUsingContainingEntity(row))];
    }

    /// <summary>The rows a plain slice writes, and what to tell once it is committed.</summary>
    internal sealed class Slice
    {
        public List<object> Messages { get; } = [];
        public List<object> Events { get; } = [];
        public List<IReadRow> Updates { get; } = [];
        public List<Guid> Processed { get; } = [];
        public List<ConversationEvent> Notifications { get; } = [];
    }

    // A thread's UpdatedAt and an identity's LastSeenAt are set to now whatever they held (and flows' steps set UpdatedAt
    // all the time): their updates do not compare them.
    private static readonly Columns IdentityColumns = new(typeof(ChannelIdentity),
        written: [nameof(ChannelIdentity.LastSeenAt), nameof(ChannelIdentity.DisplayName), nameof(ChannelIdentity.Handle),
            nameof(ChannelIdentity.LastInboundAt), nameof(ChannelIdentity.LastInboundFromFreeEntryPoint)],
        compared: [nameof(ChannelIdentity.ContactId), nameof(ChannelIdentity.DisplayName), nameof(ChannelIdentity.Handle),
            nameof(ChannelIdentity.LastInboundAt), nameof(ChannelIdentity.LastInboundFromFreeEntryPoint)]);
    private static readonly Columns ThreadColumns = new(typeof(Conversation),
        written: [nameof(Conversation.LastMessageAt), nameof(Conversation.UpdatedAt), nameof(Conversation.LastCustomerMessageAt),
            nameof(Conversation.LastCustomerChannel), nameof(Conversation.Status), nameof(Conversation.ResolvedAt)],
        compared: [nameof(Conversation.ContactId), nameof(Conversation.LastMessageAt), nameof(Conversation.LastCustomerMessageAt),
            nameof(Conversation.LastCustomerChannel), nameof(Conversation.Status), nameof(Conversation.ResolvedAt)]);

    /// <summary>
    /// Reads, for the senders of <paramref name="run"/> known by one id, their identity, profile names and thread (one
    /// query per channel), the verified phones and emails their messages prove, and which of the messages are stored.
    /// </summary>
    internal static async Task<Senders> ReadAsync(FlowsDbContext db, IReadOnlyList<CustomerMessageDelivery> run, CancellationToken cancellationToken)
    {
        var senders = new Senders();
        var threads = new Dictionary<Guid, ReadRow<Conversation>>();
        foreach (var channel in run.SelectMany(d => d.Messages.Select(m => (d.Delivery.Channel, Message: m))).GroupBy(m => m.Channel, m => m.Message))
        {
            string[] messageIds = [.. channel.Select(m => m.ExternalId).Distinct()];
            foreach (var id in await InboundLookahead.StoredAsync(db, channel.Key, messageIds, cancellationToken))
            {
                senders.StoredMessages.Add((channel.Key, id));
            }

            string[] externalIds = [.. channel.Where(m => m.Customer.AlternateIds.All(string.IsNullOrEmpty)).Select(m => m.Customer.ExternalId).Distinct()];
            var rows = await (
                    from identity in db.ChannelIdentities.AsNoTracking()
                    where identity.Channel == channel.Key && externalIds.Contains(identity.ExternalId)
                    join contact in db.Contacts on identity.ContactId equals contact.Id
                    where contact.MergedIntoId == null
                    join conversation in db.Conversations.AsNoTracking() on contact.Id equals conversation.ContactId
                    select new { identity, contact.DisplayName, contact.FirstName, contact.LastName, conversation })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (!threads.TryGetValue(row.conversation.Id, out var thread))
                {
                    threads[row.conversation.Id] = thread = new ReadRow<Conversation>(row.conversation, ThreadColumns.In(db.Model));
                }

                var names = new Contact { Id = row.identity.ContactId, DisplayName = row.DisplayName, FirstName = row.FirstName, LastName = row.LastName };
                senders.Known[(channel.Key, row.identity.ExternalId)] =
                    new ReturningSender(new ReadRow<ChannelIdentity>(row.identity, IdentityColumns.In(db.Model)), thread, names);
            }
        }

        Guid[] contactIds = [.. senders.Known.Values.Select(s => s.ContactId).Distinct()];
        if (contactIds.Length > 0 && run.Any(d => d.Messages.Any(m => m.Customer.ProvenPhone is not null)))
        {
            foreach (var phone in await db.ContactPhones.AsNoTracking().Where(p => contactIds.Contains(p.ContactId) && p.Verified)
                         .Select(p => new { p.ContactId, p.MatchKey }).ToListAsync(cancellationToken))
            {
                senders.VerifiedPhones.Add((phone.ContactId, phone.MatchKey));
            }
        }

        if (contactIds.Length > 0 && run.Any(d => d.Messages.Any(m => m.Customer.ProvenEmail is not null)))
        {
            foreach (var email in await db.ContactEmails.AsNoTracking().Where(e => contactIds.Contains(e.ContactId) && e.Verified)
                         .Select(e => new { e.ContactId, e.Address }).ToListAsync(cancellationToken))
            {
                senders.VerifiedEmails.Add((email.ContactId, email.Address));
            }
        }

        return senders;
    }

    /// <summary>
    /// Records the deliveries at the start of <paramref name="run"/> that take this path, in order, while
    /// <paramref name="goOn"/> (given how many are recorded) says so.
    /// </summary>
    /// <returns>The slice, empty when the first delivery does not take this path.</returns>
    internal Slice Record(Senders senders, IReadOnlyList<CustomerMessageDelivery> run, Func<int, bool> goOn)
    {
        var slice = new Slice();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (delivery, items) in run)
        {
            if (Plainly(senders, delivery, items, now) is not { } messages)
            {
                break;
            }

            using var activity = InboundEventProcessor.StartActivity(delivery);
            foreach (var (item, message, sender) in messages)
            {
                Apply(slice, item, message, sender, now);
                senders.StoredMessages.Add((delivery.Channel, item.ExternalId));
            }

            slice.Processed.Add(delivery.Id);
            if (!goOn(slice.Processed.Count))
            {
                break;
            }
        }

        return slice;
    }

    /// <summary>How many deliveries at the start of <paramref name="run"/> do not take this path (at least one).</summary>
    internal int CountNotPlain(Senders senders, IReadOnlyList<CustomerMessageDelivery> run)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var count = 1;
        while (count < run.Count && Plainly(senders, run[count].Delivery, run[count].Messages, now) is null)
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Writes <paramref name="slice"/> in the context's current transaction: inserts its messages and events, and updates
    /// each sender's identity and thread if they still hold what was read.
    /// </summary>
    /// <returns>False when one of them changed since it was read: the transaction must be rolled back.</returns>
    internal static async Task<bool> WriteAsync(FlowsDbContext db, Slice slice, CancellationToken cancellationToken)
    {
        using var prepared = new PreparedCommands(db);
        foreach (var row in slice.Updates)
        {
            if (!await UpdateAsync(prepared, row, cancellationToken))
            {
                return false;
            }
        }

        await prepared.InsertAllAsync(slice.Messages, cancellationToken);
        await prepared.InsertAllAsync(slice.Events, cancellationToken);
        if (slice.Events.Count > 0)
        {
            Automation.Dispatch.AutomationEventsCommitted.RaisedIn(db);
        }

        return true;
    }

    /// <summary>
    /// The messages of a delivery with the senders they are recorded for, when all of them take this path; null otherwise.
    /// Changes nothing.
    /// </summary>
    private List<(InboundMessage Item, Message Message, ReturningSender Sender)>? Plainly(
        Senders senders, InboundEvent delivery, List<InboundMessage> items, DateTime now)
    {
        var messages = new List<(InboundMessage, Message, ReturningSender)>(items.Count);
        var channel = delivery.Channel;
        foreach (var item in items)
        {
            var customer = item.Customer;
            if (item.ReplyToExternalId is not null || item.EmailInReplyTo is not null || item.EmailReferences.Count > 0
                || customer.AlternateIds.Any(id => !string.IsNullOrEmpty(id))
                || senders.StoredMessages.Contains((channel, item.ExternalId)) || messages.Any(m => m.Item1.ExternalId == item.ExternalId)
                || !senders.Known.TryGetValue((channel, customer.ExternalId), out var sender)
                || !ProvenAlready(senders, sender, customer)
                || !NamesAsGiven(sender.Names, customer)
                // Last: the only costly check (a phone number search, for texts with enough digits).
                || mentions.Mentions(item.Text))
            {
                return null;
            }

            var message = InboundMessageRecorder.NewMessage(delivery, item, sender.ContactId, sender.Identity.Row.Id, replyTo: null, now);
            if (consent.IsKeyword(message))
            {
                return null;
            }

            messages.Add((item, message, sender));
        }

        return messages;
    }

    /// <summary>What <see cref="InboundMessageRecorder.RecordAsync"/> does for a customer writing again, on plain rows.</summary>
    private static void Apply(Slice slice, InboundMessage item, Message message, ReturningSender sender, DateTime now)
    {
        var (identity, conversation) = (sender.Identity.Row, sender.Thread.Row);
        identity.Seen(item.Customer, now);
        conversation.MessageAdded(message.SentAt, now);
        slice.Messages.Add(message);
        slice.Events.Add(AutomationEventRaising.NewEvent(AutomationEventTypes.MessageReceived, message.ContactId,
            InboundMessageRecorder.MessageReceivedPayload(message, firstMessage: conversation.LastCustomerMessageAt is null),
            causedByAutomation: false, now));
        identity.CustomerWrote(message.SentAt, item.FromFreeEntryPoint);
        conversation.CustomerWrote(message.Channel, message.SentAt);
        Touch(slice, sender.Identity);
        Touch(slice, sender.Thread);

        slice.Notifications.Add(new MessageRecorded(message.ContactId, message.Id, message.Channel, message.Direction));
    }

    private static void Touch<TRow>(Slice slice, ReadRow<TRow> row)
        where TRow : class
    {
        if (!row.Touched)
        {
            row.Touched = true;
            slice.Updates.Add(row);
        }
    }

    /// <summary>Whether the phone and email the channel proves are on the profile already, verified.</summary>
    private bool ProvenAlready(Senders senders, ReturningSender sender, CustomerIdentity customer)
    {
        var contactId = sender.ContactId;
        if (customer.ProvenPhone is not null
            && (phoneNumbers.Normalize(customer.ProvenPhone) is not { } phone || !senders.VerifiedPhones.Contains((contactId, PhoneNumberNormalizer.MatchKey(phone)))))
        {
            return false;
        }

        return customer.ProvenEmail is null
            || (EmailAddresses.Normalize(customer.ProvenEmail) is { } email && senders.VerifiedEmails.Contains((contactId, email)));
    }

    /// <summary>Whether the profile's names stay as they are when filled from what the channel says of the customer.</summary>
    private static bool NamesAsGiven(Contact names, CustomerIdentity customer)
    {
        var filled = new Contact { DisplayName = names.DisplayName, FirstName = names.FirstName, LastName = names.LastName };
        filled.FillNamesFrom(customer);
        return filled.DisplayName == names.DisplayName && filled.FirstName == names.FirstName && filled.LastName == names.LastName;
    }

    /// <summary>
    /// Sets the written columns of <paramref name="read"/>'s row where the compared ones still hold the values it was read
    /// with (null equal to null).
    /// </summary>
    /// <returns>Whether the row was updated.</returns>
    private static async Task<bool> UpdateAsync(PreparedCommands prepared, IReadRow read, CancellationToken cancellationToken)
    {
        var (row, asRead) = (read.Row, read.AsRead);
        var (entity, key, sets, wheres) = read.Columns;
        object?[] values = [.. MappedColumns.Values(sets, row), key.GetGetter().GetClrValueUsingContainingEntity(row),
            .. wheres.SelectMany((p, i) => p.IsNullable ? new[] { asRead[i], asRead[i] } : [asRead[i]])];
        var updated = await prepared.ExecuteAsync($"update-if-unchanged:{entity.Name}", () =>
        {
            var parameters = new List<IProperty>(sets) { key };
            var assignments = string.Join(", ", sets.Select((p, i) => $"{prepared.Column(p)} = {prepared.Parameter(i)}"));
            var conditions = new List<string> { $"{prepared.Column(key)} = {prepared.Parameter(sets.Length)}" };
            foreach (var property in wheres)
            {
                var column = prepared.Column(property);
                var value = prepared.Parameter(parameters.Count);
                parameters.Add(property);
                if (property.IsNullable)
                {
                    var again = prepared.Parameter(parameters.Count);
                    parameters.Add(property);
                    conditions.Add($"({column} = {value} OR ({column} IS NULL AND {again} IS NULL))");
                }
                else
                {
                    conditions.Add($"{column} = {value}");
                }
            }

            return ($"UPDATE {prepared.Table(entity)} SET {assignments} WHERE {string.Join(" AND ", conditions)}", [.. parameters]);
        }, values, cancellationToken);
        return updated == 1;
    }
}
