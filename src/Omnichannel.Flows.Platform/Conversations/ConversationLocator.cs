using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

public static class ConversationLocator
{
    // Compiled: every inbound message and many flow steps look the conversation up (see InboundMessageRecorder).
    private static readonly Func<FlowsDbContext, Guid, CancellationToken, Task<Conversation?>> ByContact =
        EF.CompileAsyncQuery((FlowsDbContext db, Guid contactId, CancellationToken _) => db.Conversations.FirstOrDefault(c => c.ContactId == contactId));

    /// <summary>The customer's one conversation, created open on first use.</summary>
    public static async Task<Conversation> ForContactAsync(this FlowsDbContext db, Guid contactId, DateTime now, CancellationToken cancellationToken)
    {
        var conversation = db.Conversations.Local.FirstOrDefault(c => c.ContactId == contactId)
            ?? await ByContact(db, contactId, cancellationToken);
        return conversation ?? db.StartConversation(contactId, now);
    }

    /// <summary>Starts the thread of a contact that has none (one created in this unit of work), open.</summary>
    public static Conversation StartConversation(this FlowsDbContext db, Guid contactId, DateTime now)
    {
        var conversation = new Conversation { ContactId = contactId, CreatedAt = now, UpdatedAt = now };
        db.Conversations.Add(conversation);
        return conversation;
    }
}
