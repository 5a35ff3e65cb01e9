using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// A broadcast message WhatsApp refused with 131050 (the customer stopped marketing messages) — in the send's answer
/// or in a status webhook later — is an opt-out: recorded through <see cref="IBroadcastConsent"/>, so the next chunk
/// and every later broadcast leave the customer out.
/// </summary>
public sealed class BroadcastOptOutListener(
    ConversationEvents events, IServiceScopeFactory scopes, ILogger<BroadcastOptOutListener> logger) : IHostedService
{
    public const string OptedOutCode = "131050";
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = events.Subscribe(e =>
        {
            if (e is MessageSendFailed { Code: OptedOutCode } failed)
            {
                _ = RecordAsync(failed);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task RecordAsync(MessageSendFailed failed)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowsDbContext>();
            var purpose = await (
                from m in db.Messages
                where m.Id == failed.MessageId && m.BroadcastId != null
                join b in db.Broadcasts on m.BroadcastId equals b.Id
                select (MessagePurpose?)b.Purpose).FirstOrDefaultAsync();
            if (purpose is { } value)
            {
                await scope.ServiceProvider.GetRequiredService<IBroadcastConsent>()
                    .RecordOptOutAsync(failed.ContactId, failed.Channel, value, $"{failed.Code}: {failed.Reason}", CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Recording the opt-out of contact {ContactId} on {Channel} failed", failed.ContactId, failed.Channel);
        }
    }
}
