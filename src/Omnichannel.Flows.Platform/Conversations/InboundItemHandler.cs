using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Routes each parsed item of a delivery to what records it, collecting the events to publish after commit. A message
/// is recorded unsaved (the caller saves); statuses and template changes save themselves.
/// </summary>
public sealed class InboundItemHandler(
    InboundMessageRecorder messages, DeliveryStatusRecorder statuses, TemplateChangeRecorder templates, InboundConsentHandler consent)
{
    public async Task HandleAsync(FlowsDbContext db, InboundEvent delivery, InboundItem item, InboundLookahead lookahead,
        List<ConversationEvent> notifications, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case InboundMessage message:
                var stored = await messages.RecordAsync(db, delivery, message, lookahead, cancellationToken);
                if (stored is not null)
                {
                    notifications.Add(new MessageRecorded(stored.ContactId, stored.Id, stored.Channel, stored.Direction));
                    await consent.HandleAsync(db, stored, notifications, cancellationToken);
                }

                break;
            case InboundStatus status:
                var updated = await statuses.ApplyAsync(db, delivery.Channel, status, cancellationToken);
                if (updated is not null)
                {
                    notifications.Add(new MessageStatusChanged(updated.ContactId, updated.Id, updated.Channel, updated.Status));
                    if (updated.Status == DeliveryStatus.Failed)
                    {
                        notifications.Add(new MessageSendFailed(updated.ContactId, updated.Id, updated.Channel, updated.ErrorCode, updated.ErrorReason));
                    }
                }

                break;
            case InboundReadWatermark read:
                foreach (var message in await statuses.ApplyReadAsync(db, delivery.Channel, read, cancellationToken))
                {
                    notifications.Add(new MessageStatusChanged(message.ContactId, message.Id, message.Channel, message.Status));
                }

                break;
            case InboundTemplateChange template:
                await templates.ApplyAsync(db, delivery.Channel, template, cancellationToken);
                break;
        }
    }
}
