using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>What one run of a broadcast works with: the broadcast as it was when the run started, its lease token, its template.</summary>
public sealed record BroadcastRun(Broadcast Broadcast, BroadcastDefinition Definition, MessageTemplate? Template, Guid Token)
{
    public Guid BroadcastId => Broadcast.Id;

    /// <summary>The recipient's message, queued: in their thread like any other, with the recipient's id and what it is expected to cost.</summary>
    public Message NewMessage(Candidate recipient, CostEstimate? cost, DateTime now)
    {
        var template = recipient.Details is null ? null : Template;
        return new Message
        {
            Id = recipient.Id,
            BroadcastId = Broadcast.Id,
            ContactId = recipient.ContactId,
            Channel = recipient.Channel,
            ChannelIdentityId = recipient.IdentityId,
            Direction = MessageDirection.Outbound,
            Origin = MessageOrigin.Broadcast,
            AuthorUserId = Broadcast.CreatedByUserId,
            AuthorName = $"Broadcast: {Broadcast.Name}",
            Kind = template is null ? MessageKind.Text : MessageKind.Template,
            Text = recipient.Text,
            Details = recipient.Details,
            TemplateName = template?.Name,
            TemplateLanguage = template?.Language,
            TemplateCategory = template?.Category,
            EmailSubject = recipient.Channel == ChannelKind.Email ? recipient.EmailSubject : null,
            SentAt = now,
            CreatedAt = now,
            Status = DeliveryStatus.Queued,
            StatusAt = now,
            CostEstimateMicros = cost?.AmountMicros,
            CostCurrency = cost?.Currency,
            CostMarket = cost?.Market,
        };
    }
}

/// <summary>In-process notice that a broadcast moved (sends recorded, state changed), for live progress views and tests.</summary>
public sealed class BroadcastActivity
{
    public event Action<Guid>? Changed;

    public void Publish(Guid broadcastId) => Changed?.Invoke(broadcastId);
}
