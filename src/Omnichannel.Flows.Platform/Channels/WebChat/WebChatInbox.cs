using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// A visitor's message takes the providers' path: stored as a raw delivery (once per session and client message id),
/// answered, then turned into a message in the background by <see cref="WebChatInboundChannel"/>.
/// </summary>
public sealed class WebChatInbox(WebhookIngestion ingestion, FlowsDbContext db, TimeProvider time)
{
    /// <returns>The client message id it was stored under, or null when the app is shutting down.</returns>
    public async Task<string?> PostAsync(Guid sessionId, string text, string? clientMessageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var messageId = clientMessageId ?? Guids.NewVersion7().ToString("N");
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebChatDelivery(sessionId, messageId, text, now), JsonSerializerOptions.Web);
        var dedupeKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(WebChatDelivery.ExternalIdOf(sessionId, messageId))));
        if (!await ingestion.StoreAsync(ChannelKind.WebChat, body, "application/json", dedupeKey, cancellationToken))
        {
            return null;
        }

        await db.WebChatSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken);
        return messageId;
    }
}

/// <summary>The raw delivery of a visitor's message, as stored.</summary>
public sealed record WebChatDelivery(Guid SessionId, string MessageId, string Text, DateTime SentAt)
{
    public static string ExternalIdOf(Guid sessionId, string messageId) => $"{sessionId:N}:{messageId}";
}
