using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Delivers an agent's reply by pushing it to the session's hub group. When the visitor is connected, the push is the
/// delivery: a <see cref="DeliveryStatus.Delivered"/> status is recorded for the send, which the outbox applies with its
/// answer. Otherwise the reply is sent and the widget fetches it over HTTP.
/// </summary>
public sealed class WebChatOutboundChannel(
    IHubContext<WebChatHub> hub, WebChatPresence presence, IDbContextFactory<FlowsDbContext> dbs, TimeProvider time) : IOutboundChannel
{
    public ChannelKind Channel => ChannelKind.WebChat;

    public async Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(message.RecipientId, out var sessionId))
        {
            return new SendOutcome.Failed("no_session", $"'{message.RecipientId}' is not a web chat session.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var externalId = $"webchat-{message.MessageId:N}";
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var author = await db.Messages.Where(m => m.Id == message.MessageId).Select(m => m.AuthorName).FirstOrDefaultAsync(cancellationToken);
        var online = presence.IsOnline(sessionId);
        await hub.Clients.Group(WebChatHub.GroupOf(sessionId)).SendAsync(WebChatHub.MessageMethod,
            new WebChatMessageView(message.MessageId, WebChatMessageView.Agent, message.Text, now) { AuthorName = author }, cancellationToken);

        if (online)
        {
            db.PendingDeliveryStatuses.Add(new PendingDeliveryStatus
            {
                Channel = ChannelKind.WebChat,
                ExternalId = externalId,
                Status = DeliveryStatus.Delivered,
                OccurredAt = now,
                ReceivedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        return new SendOutcome.Accepted(externalId);
    }
}
