using Hangfire;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// Mirrors an opt-out the provider enforces, learnt from a send it refused: Twilio 21610 (the number texted STOP to the
/// carrier) is an SMS opt-out, WhatsApp 131050 (the user stopped marketing messages) a marketing opt-out. Runs for every
/// failed SMS / WhatsApp send, whether the provider refused it at once or in a status webhook; safe to run twice.
/// </summary>
public sealed class ProviderOptOutJob(FlowsDbContext db, ConsentLedger ledger, ConversationEvents events)
{
    /// <summary>What a provider's error code says the customer opted out of, if anything.</summary>
    public static ConsentScope? OptOutScope(ChannelKind channel, string? errorCode) => (channel, errorCode?.Split('/')[0]) switch
    {
        (ChannelKind.Sms, "21610") => ConsentScope.All,
        (ChannelKind.WhatsApp, "131050") => ConsentScope.Marketing,
        _ => null,
    };

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Record the provider's opt-out from message {0}")]
    public async Task RunAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var failed = await db.Messages.AsNoTracking()
            .Where(m => m.Id == messageId && m.Status == DeliveryStatus.Failed)
            .Select(m => new { m.ContactId, m.Channel, m.ErrorCode, m.ErrorReason, m.StatusAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (failed is null || OptOutScope(failed.Channel, failed.ErrorCode) is not { } scope
            || await db.ConsentChanges.AnyAsync(c => c.MessageId == messageId && c.Source == ConsentSource.ProviderError, cancellationToken))
        {
            return;
        }

        var change = await ledger.RecordAsync(db, new ConsentEntry(failed.ContactId, failed.Channel, scope, false, ConsentSource.ProviderError)
        {
            Detail = $"{failed.ErrorCode}: {failed.ErrorReason}",
            MessageId = messageId,
            OccurredAt = failed.StatusAt,
        }, cancellationToken);
        if (change is not null)
        {
            await db.SaveChangesAsync(cancellationToken);
            events.Publish(ConsentChanged.Of(change));
        }
    }
}
