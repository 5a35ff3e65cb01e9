using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

public static class ConversationLocator
{
    /// <summary>The customer's one conversation, created open on first use.</summary>
    public static async Task<Conversation> ForContactAsync(this FlowsDbContext db, Guid contactId, DateTime now, CancellationToken cancellationToken)
    {
        var conversation = db.Conversations.Local.FirstOrDefault(c => c.ContactId == contactId)
            ?? await db.Conversations.FirstOrDefaultAsync(c => c.ContactId == contactId, cancellationToken);
        if (conversation is null)
        {
            conversation = new Conversation { ContactId = contactId, CreatedAt = now, UpdatedAt = now };
            db.Conversations.Add(conversation);
        }

        return conversation;
    }
}
