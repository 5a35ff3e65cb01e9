using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class PreparedCommandsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc);
    private static readonly HashSet<Type> Plainly = [typeof(Message), typeof(Conversation)];

    [Fact]
    public async Task Save_WritesThePlainTypesRows_AfterEfSavedTheRowsTheyReferTo_AndUpdatesOnlyTheChangedColumns()
    {
        var conversationId = await SeedConversationAsync();
        await using var db = database.CreateContext();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == conversationId);
        conversation.LastMessageAt = Now.AddMinutes(5);
        conversation.Status = ConversationStatus.Resolved;
        var newcomer = db.Contacts.Add(new Contact { DisplayName = "Newcomer", CreatedAt = Now, UpdatedAt = Now }).Entity;
        var message = db.Messages.Add(NewMessage(newcomer.Id)).Entity;
        // Someone else assigns the thread meanwhile: a column this save did not change keeps their value.
        await using (var other = database.CreateContext())
        {
            await other.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(set => set.SetProperty(c => c.AssignedUserId, "agent-7"));
        }

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.ChangeTracker.DetectChanges();
            await PreparedCommands.SaveChangesAsync(db, Plainly, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
        await using var check = database.CreateContext();
        var stored = await check.Conversations.SingleAsync(c => c.Id == conversationId);
        Assert.Equal((Now.AddMinutes(5), ConversationStatus.Resolved, "agent-7"), (stored.LastMessageAt, stored.Status, stored.AssignedUserId));
        var storedMessage = await check.Messages.SingleAsync(m => m.Id == message.Id);
        Assert.Equal((newcomer.Id, "hello", MessageDirection.Inbound), (storedMessage.ContactId, storedMessage.Text, storedMessage.Direction));
        Assert.True(await check.Contacts.AnyAsync(c => c.Id == newcomer.Id));
    }

    [Fact]
    public async Task Save_OfAChangedRowThatIsGone_FailsAsAConcurrencyConflict()
    {
        var conversationId = await SeedConversationAsync();
        await using var db = database.CreateContext();
        var conversation = await db.Conversations.SingleAsync(c => c.Id == conversationId);
        await using (var other = database.CreateContext())
        {
            await other.Conversations.Where(c => c.Id == conversationId).ExecuteDeleteAsync();
        }

        conversation.LastMessageAt = Now.AddMinutes(5);
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.ChangeTracker.DetectChanges();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => PreparedCommands.SaveChangesAsync(db, Plainly, CancellationToken.None));
    }

    [Fact]
    public async Task InsertAll_StoresEveryRowAsOneByOneWould_InOrder_AcrossAsManyStatementsAsItTakes()
    {
        var instanceId = $"run-{Guid.NewGuid():N}";
        // 20 rows of 14 columns: more than one statement takes (MaxValuesPerInsert), and a remainder.
        FlowJournalRecord[] rows = [.. Enumerable.Range(1, 20).Select(sequence => new FlowJournalRecord
        {
            InstanceId = instanceId,
            Sequence = sequence,
            At = Now.AddSeconds(sequence),
            NodeId = $"node-{sequence}",
            ActivityType = "flow.condition",
            Outcome = sequence % 2 == 0 ? JournalOutcome.Continued : JournalOutcome.Suspended,
            Port = sequence % 2 == 0 ? "true" : null,
            Inputs = sequence == 7 ? null : $$"""{"step":"{{sequence}}"}""",
        })];
        await using (var db = database.CreateContext())
        {
            await db.Database.OpenConnectionAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            using var commands = new PreparedCommands(db);
            Assert.Equal(20, await commands.InsertAllAsync(rows, CancellationToken.None));
            Assert.True(commands.Texts.Count() > 1);
            await transaction.CommitAsync();
        }

        await using var check = database.CreateContext();
        var stored = await check.FlowJournal.Where(j => j.InstanceId == instanceId).OrderBy(j => j.Sequence).ToListAsync();
        Assert.Equal(
            rows.Select(r => (r.Id, r.Sequence, r.At, r.NodeId, r.Outcome, r.Port, r.Inputs)),
            stored.Select(r => (r.Id, r.Sequence, r.At, r.NodeId, r.Outcome, r.Port, r.Inputs)));
    }

    [Fact]
    public async Task InsertAll_OfRowsOfDifferentTypes_IsRefused()
    {
        await using var db = database.CreateContext();
        using var commands = new PreparedCommands(db);
        object[] mixed = [NewMessage(Guid.NewGuid()), new Conversation { ContactId = Guid.NewGuid(), CreatedAt = Now, UpdatedAt = Now }];

        await Assert.ThrowsAsync<ArgumentException>(() => commands.InsertAllAsync(mixed, CancellationToken.None));
    }

    [Fact]
    public void NothingRefersByForeignKey_ToTheRowsInboundProcessingWritesPlainly()
    {
        using var db = database.CreateContext();
        var referring = db.Model.GetEntityTypes().SelectMany(t => t.GetForeignKeys())
            .Where(fk => CustomerMessageSlices.WrittenPlainly.Contains(fk.PrincipalEntityType.ClrType))
            .Select(fk => $"{fk.DeclaringEntityType.DisplayName()} → {fk.PrincipalEntityType.DisplayName()}");

        Assert.Empty(referring);
    }

    private async Task<Guid> SeedConversationAsync()
    {
        await using var db = database.CreateContext();
        var contact = db.Contacts.Add(new Contact { DisplayName = "Ada", CreatedAt = Now, UpdatedAt = Now }).Entity;
        var conversation = db.Conversations.Add(new Conversation { ContactId = contact.Id, CreatedAt = Now, UpdatedAt = Now }).Entity;
        await db.SaveChangesAsync();
        return conversation.Id;
    }

    private static Message NewMessage(Guid contactId) => new()
    {
        ContactId = contactId,
        Channel = ChannelKind.Telegram,
        Direction = MessageDirection.Inbound,
        Origin = MessageOrigin.Customer,
        Kind = MessageKind.Text,
        Text = "hello",
        ExternalId = $"test:{Guid.NewGuid():N}",
        SentAt = Now,
        CreatedAt = Now,
        Status = DeliveryStatus.Received,
        StatusAt = Now,
    };
}
