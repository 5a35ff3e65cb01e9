using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// Messenger and Instagram take free-form replies for 24 h after the customer's last message; after that, a reply a
/// person wrote may still go out for up to 7 days tagged <c>HUMAN_AGENT</c> (the Page or account needs Meta's approval
/// for the tag, else Meta refuses the send). Automated messages never get the tag.
/// </summary>
public static class HumanAgentTag
{
    public const string Tag = "HUMAN_AGENT";
    public static readonly TimeSpan StandardWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan HumanAgentWindow = TimeSpan.FromDays(7);

    /// <returns>The tag <paramref name="message"/> needs, or null to send it as a plain response.</returns>
    public static async Task<string?> ForAsync(FlowsDbContext db, Message message, DateTime now, CancellationToken cancellationToken)
    {
        if (message.Channel is not (ChannelKind.Messenger or ChannelKind.Instagram) || message.Origin != MessageOrigin.Agent)
        {
            return null;
        }

        var lastCustomerMessage = await db.Messages
            .Where(m => m.ChannelIdentityId == message.ChannelIdentityId && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.SentAt)
            .Select(m => (DateTime?)m.SentAt)
            .FirstOrDefaultAsync(cancellationToken);
        var silence = now - lastCustomerMessage;
        return silence > StandardWindow && silence <= HumanAgentWindow ? Tag : null;
    }
}
