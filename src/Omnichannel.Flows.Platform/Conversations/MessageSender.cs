using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Meta;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Puts a message in the outbox: stored <see cref="DeliveryStatus.Queued"/> in the customer's thread, then handed to
/// <see cref="OutboundDispatchJob"/>. The channel's service window is respected before anything is queued: free text
/// on a closed window is refused with the approved templates that fit (and their cost); a WhatsApp send records what
/// it is expected to cost. The send itself is asynchronous; callers get the queued message. A request carrying an
/// idempotency key (a flow step's) queues at most one message: asking again with the same key answers with the message
/// the first request queued, whatever it was (a text, or the template sent instead of it).
/// </summary>
public sealed class MessageSender(
    FlowsDbContext db,
    ChannelRegistry channels,
    RecipientResolver recipients,
    ServiceWindowPolicy windows,
    TemplateCatalog templates,
    TemplateSuggestions suggestions,
    CostEstimator costs,
    ConsentPolicy consent,
    IBackgroundJobClient jobs,
    ConversationEvents events,
    TimeProvider time)
{
    public async Task<SendRequestResult> QueueTextAsync(SendTextRequest request, CancellationToken cancellationToken)
    {
        if (await AlreadyQueuedAsync(request.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (target, refused) = await ResolveAsync(request.ContactId, request.Channel, now, cancellationToken);
        if (target is null)
        {
            return refused!;
        }

        if (await RefusedByConsentAsync(target, SendPurposes.Of(request.Origin, null), cancellationToken) is { } optedOut)
        {
            return optedOut;
        }

        var window = WindowOf(target.Identity, now);
        string? providerTag = null;
        if (!window.Open)
        {
            if (request.Origin == MessageOrigin.Agent && window.HumanAgentOpen(now))
            {
                providerTag = MetaMessageTags.HumanAgent;
            }
            else
            {
                return await WindowClosedAsync(target, window, now, cancellationToken);
            }
        }

        var lastEmail = target.Channel == ChannelKind.Email ? await LastInboundEmailAsync(request.ContactId, cancellationToken) : null;
        var message = NewOutbound(target, request.Origin, request.AuthorUserId, request.AuthorName, now, new OutboundContent(MessageKind.Text, request.Text)
        {
            IdempotencyKey = request.IdempotencyKey,
            ProviderTag = providerTag,
            EmailSubject = target.Channel == ChannelKind.Email ? request.Subject ?? ReplySubject(lastEmail?.EmailSubject) : null,
            EmailInReplyTo = lastEmail?.EmailMessageId,
            ReplyToMessageId = lastEmail?.Id,
        });
        await PriceAsync(message, null, target, window, now, cancellationToken);
        return await QueueAsync(target, message, window, cancellationToken);
    }

    /// <summary>Sends an approved WhatsApp template: allowed whether or not the service window is open.</summary>
    public async Task<SendRequestResult> QueueTemplateAsync(SendTemplateRequest request, CancellationToken cancellationToken)
    {
        if (await AlreadyQueuedAsync(request.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        if (request.Channel is { } requested && requested != ChannelKind.WhatsApp)
        {
            return SendRequestResult.Refused(SendRefusal.Unsupported,
                $"Templates are sent on WhatsApp; on {requested.ToName()} send text (saved replies fill it in).", "/channel");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (target, refused) = await ResolveAsync(request.ContactId, ChannelKind.WhatsApp, now, cancellationToken);
        if (target is null)
        {
            return refused!;
        }

        var template = await templates.FindAsync(ChannelKind.WhatsApp, request.Name, request.Language, cancellationToken);
        if (template is null)
        {
            return SendRequestResult.Refused(SendRefusal.TemplateNotFound,
                $"No WhatsApp template '{request.Name}' in '{request.Language}'. Sync the catalog or check the name and language.", "/template/name");
        }

        if (template.Status != TemplateStatus.Approved)
        {
            return SendRequestResult.Refused(SendRefusal.TemplateNotApproved,
                $"The template '{template.Name}' ({template.Language}) is {template.Status.ToMeta()}: only APPROVED templates can be sent.", "/template/name");
        }

        var (parameters, problem, pointer) = TemplateParameters.Bind(template, request.Parameters);
        if (parameters is null)
        {
            return SendRequestResult.Refused(SendRefusal.InvalidTemplateParameters, problem!, "/template/parameters" + pointer);
        }

        if (await RefusedByConsentAsync(target, SendPurposes.Of(request.Origin, template.Category), cancellationToken) is { } optedOut)
        {
            return optedOut;
        }

        var window = WindowOf(target.Identity, now);
        var message = NewOutbound(target, request.Origin, request.AuthorUserId, request.AuthorName, now,
            new OutboundContent(MessageKind.Template, TemplateParameters.Render(template, parameters))
            {
                IdempotencyKey = request.IdempotencyKey,
                Template = template,
                Details = JsonSerializer.Serialize(new OutboundTemplate(template.Name, template.Language, parameters), JsonSerializerOptions.Web),
            });
        await PriceAsync(message, template.Category, target, window, now, cancellationToken);
        return await QueueAsync(target, message, window, cancellationToken);
    }

    /// <summary>The message an earlier request with <paramref name="idempotencyKey"/> queued, as that request's answer.</summary>
    private async Task<SendRequestResult?> AlreadyQueuedAsync(string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return null;
        }

        var earlier = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.IdempotencyKey == idempotencyKey, cancellationToken);
        return earlier is null ? null : SendRequestResult.Queued(earlier);
    }

    private async Task<(SendTarget? Target, SendRequestResult? Refused)> ResolveAsync(
        Guid contactId, ChannelKind? requested, DateTime now, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.AsNoTracking().Where(c => c.Id == contactId && c.MergedIntoId == null)
            .Select(c => new { c.Id, c.Locale }).FirstOrDefaultAsync(cancellationToken);
        if (contact is null)
        {
            return (null, SendRequestResult.Refused(SendRefusal.ContactNotFound, "No such contact.", "/contactId"));
        }

        var conversation = await db.ForContactAsync(contactId, now, cancellationToken);
        var channel = requested ?? conversation.LastCustomerChannel
            ?? await db.ChannelIdentities.Where(i => i.ContactId == contactId)
                .OrderByDescending(i => i.LastSeenAt).Select(i => (ChannelKind?)i.Channel).FirstOrDefaultAsync(cancellationToken);
        if (channel is not { } chosen)
        {
            return (null, SendRequestResult.Refused(SendRefusal.NoRecipient, "The customer has no channel to reply on.", "/channel"));
        }

        if (!channels.IsEnabled(chosen))
        {
            return (null, SendRequestResult.Refused(SendRefusal.ChannelDisabled, $"The {chosen.ToName()} channel is disabled.", "/channel"));
        }

        var identity = await recipients.ResolveAsync(db, contactId, chosen, cancellationToken);
        return identity is null
            ? (null, SendRequestResult.Refused(SendRefusal.NoRecipient,
                $"The customer cannot be reached on {chosen.ToName()}: no identity, phone or email for it.", "/channel"))
            : (new SendTarget(contactId, contact.Locale, chosen, identity, conversation), null);
    }

    private async Task<SendRequestResult?> RefusedByConsentAsync(SendTarget target, SendPurpose purpose, CancellationToken cancellationToken)
    {
        var decision = await consent.CheckAsync(target.ContactId, target.Channel, purpose, cancellationToken);
        return decision.IsAllowed ? null : SendRequestResult.Refused(SendRefusal.OptedOut, decision.Reason!, "/channel");
    }

    private ChannelWindow WindowOf(ChannelIdentity identity, DateTime now) =>
        windows.Evaluate(identity.Channel, identity.LastInboundAt, identity.LastInboundFromFreeEntryPoint, now);

    private async Task<SendRequestResult> WindowClosedAsync(SendTarget target, ChannelWindow window, DateTime now, CancellationToken cancellationToken)
    {
        var fitting = await suggestions.ForAsync(target.Channel, PhoneOf(target.Identity), target.Locale, window, now, cancellationToken);
        var since = window.ClosesAt is { } closed ? $"closed at {closed:u}" : "not open: the customer never wrote on this channel";
        var detail = target.Channel == ChannelKind.WhatsApp
            ? $"The WhatsApp service window is {since}. Only an approved template can be sent now."
            : $"The {target.Channel.ToName()} service window is {since}. Reply when the customer writes again.";
        return SendRequestResult.Refused(SendRefusal.WindowClosed, detail, "/text") with { Window = window, Suggestions = fitting };
    }

    private async Task PriceAsync(Message message, TemplateCategory? category, SendTarget target, ChannelWindow window, DateTime now,
        CancellationToken cancellationToken)
    {
        if (target.Channel != ChannelKind.WhatsApp)
        {
            return;
        }

        var estimate = await costs.EstimateAsync(category, PhoneOf(target.Identity), window, now, cancellationToken);
        message.CostEstimateMicros = estimate.AmountMicros;
        message.CostCurrency = estimate.Currency;
        message.CostMarket = estimate.Market;
    }

    private async Task<SendRequestResult> QueueAsync(SendTarget target, Message message, ChannelWindow window, CancellationToken cancellationToken)
    {
        db.Messages.Add(message);
        target.Conversation.LastMessageAt = message.CreatedAt;
        target.Conversation.UpdatedAt = message.CreatedAt;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (message.IdempotencyKey is { } key)
        {
            // Another request with the same key won the race (unique index): answer with its message, queue nothing.
            db.ChangeTracker.Clear();
            if (await AlreadyQueuedAsync(key, cancellationToken) is { } winner)
            {
                return winner;
            }

            throw;
        }

        // Enqueued after the commit; if the process dies in between, OutboxRecovery enqueues it on start.
        jobs.Enqueue<OutboundDispatchJob>(j => j.RunAsync(message.Id, CancellationToken.None));
        events.Publish(new MessageRecorded(message.ContactId, message.Id, message.Channel, message.Direction));
        return SendRequestResult.Queued(message) with { Window = window };
    }

    private static Message NewOutbound(SendTarget target, MessageOrigin origin, string? authorUserId, string? authorName, DateTime now,
        OutboundContent content) => new()
    {
        ContactId = target.ContactId,
        Channel = target.Channel,
        ChannelIdentityId = target.Identity.Id,
        Direction = MessageDirection.Outbound,
        Origin = origin,
        AuthorUserId = authorUserId,
        AuthorName = authorName,
        Kind = content.Kind,
        Text = content.Text,
        Details = content.Details,
        ProviderTag = content.ProviderTag,
        TemplateName = content.Template?.Name,
        TemplateLanguage = content.Template?.Language,
        TemplateCategory = content.Template?.Category,
        EmailSubject = content.EmailSubject,
        EmailInReplyTo = content.EmailInReplyTo,
        ReplyToMessageId = content.ReplyToMessageId,
        IdempotencyKey = content.IdempotencyKey,
        SentAt = now,
        CreatedAt = now,
        Status = DeliveryStatus.Queued,
        StatusAt = now,
    };

    /// <summary>A WhatsApp identity's number in E.164 (wa_ids are digits), for its pricing market.</summary>
    private static string? PhoneOf(ChannelIdentity identity) =>
        identity.Channel == ChannelKind.WhatsApp && identity.ExternalId.All(char.IsAsciiDigit) ? "+" + identity.ExternalId : null;

    private Task<Message?> LastInboundEmailAsync(Guid contactId, CancellationToken cancellationToken) =>
        db.Messages.AsNoTracking()
            .Where(m => m.ContactId == contactId && m.Channel == ChannelKind.Email && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.SentAt)
            .FirstOrDefaultAsync(cancellationToken);

    private static string ReplySubject(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? "Your message"
        : subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}";

    private sealed record OutboundContent(MessageKind Kind, string? Text)
    {
        public string? Details { get; init; }
        public string? ProviderTag { get; init; }
        public MessageTemplate? Template { get; init; }
        public string? EmailSubject { get; init; }
        public string? EmailInReplyTo { get; init; }
        public Guid? ReplyToMessageId { get; init; }
        public string? IdempotencyKey { get; init; }
    }

    private sealed record SendTarget(Guid ContactId, string? Locale, ChannelKind Channel, ChannelIdentity Identity, Conversation Conversation);
}

public sealed record SendTextRequest(Guid ContactId, ChannelKind? Channel, string Text, MessageOrigin Origin)
{
    public string? AuthorUserId { get; init; }
    public string? AuthorName { get; init; }
    public string? Subject { get; init; }

    /// <summary>Queues at most one message per key (a flow step's idempotency key); a repeat answers with that message.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <param name="Parameters">Values for the body placeholders: a JSON array (positional) or object (named).</param>
public sealed record SendTemplateRequest(Guid ContactId, ChannelKind? Channel, string Name, string Language, JsonElement? Parameters, MessageOrigin Origin)
{
    public string? AuthorUserId { get; init; }
    public string? AuthorName { get; init; }

    /// <summary>Queues at most one message per key (a flow step's idempotency key); a repeat answers with that message.</summary>
    public string? IdempotencyKey { get; init; }
}

public enum SendRefusal
{
    ContactNotFound,
    NoRecipient,
    ChannelDisabled,
    WindowClosed,
    OptedOut,
    TemplateNotFound,
    TemplateNotApproved,
    InvalidTemplateParameters,
    Unsupported,
}

public sealed record SendRequestResult(Message? Message, SendRefusal? Refusal, string? Detail, string? Pointer)
{
    /// <summary>The channel's service window when the request was decided.</summary>
    public ChannelWindow? Window { get; init; }

    /// <summary>When the window is closed: the approved templates that may be sent instead, with their cost.</summary>
    public IReadOnlyList<TemplateSuggestion> Suggestions { get; init; } = [];

    public static SendRequestResult Queued(Message message) => new(message, null, null, null);

    public static SendRequestResult Refused(SendRefusal refusal, string detail, string pointer) => new(null, refusal, detail, pointer);
}
