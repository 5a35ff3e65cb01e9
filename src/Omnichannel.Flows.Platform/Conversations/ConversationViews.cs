using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Conversations;

public sealed record ThreadPage(IReadOnlyList<MessageView> Items, DateTime? NextBefore);

/// <summary>An internal note on the thread, for agents (<see cref="AuthorUserId"/> null: written by a flow).</summary>
public sealed record NoteView(Guid Id, string Text, string? AuthorUserId, string? AuthorName, DateTime CreatedAt)
{
    public static NoteView From(ConversationNote note) => new(note.Id, note.Text, note.AuthorUserId, note.AuthorName, note.CreatedAt);
}

/// <summary>A message as agents and the API see it. <see cref="CreatedAt"/> is when it was sent.</summary>
public sealed record MessageView(
    Guid Id, ChannelKind Channel, MessageDirection Direction, MessageOrigin Origin, MessageKind Kind, string? Text,
    DateTime CreatedAt, DeliveryStatus Status, MessageError? Error)
{
    public string? AuthorName { get; init; }
    public string? Subject { get; init; }
    public string? Details { get; init; }
    public bool Sandbox { get; init; }
    public MessagePricing? Pricing { get; init; }

    /// <summary>The template the message was sent from.</summary>
    public MessageTemplateRef? Template { get; init; }

    /// <summary>What the send cost: the estimate made before it went, then the actual once the provider reported it.</summary>
    public MessageCost? Cost { get; init; }

    public static MessageView From(Message m) => new(
        m.Id, m.Channel, m.Direction, m.Origin, m.Kind, m.Text, m.SentAt, m.Status,
        m.ErrorCode is null && m.ErrorReason is null ? null : new MessageError(m.ErrorCode, m.ErrorReason))
    {
        AuthorName = m.AuthorName,
        Subject = m.EmailSubject,
        Details = m.Details,
        Sandbox = m.IsSandbox,
        Pricing = m.PricingCategory is null ? null : new MessagePricing(m.PricingCategory, m.PricingBillable, m.PricingType),
        Template = m.TemplateName is null ? null : new MessageTemplateRef(m.TemplateName, m.TemplateLanguage, m.TemplateCategory),
        Cost = m.CostCurrency is null ? null : new MessageCost(
            m.CostEstimateMicros / 1_000_000m, m.CostActualMicros / 1_000_000m, m.CostCurrency, m.CostMarket),
    };
}

public sealed record MessageTemplateRef(string Name, string? Language, Templates.TemplateCategory? Category);

/// <param name="Estimate">Before the send, from the rate card; null when unknown.</param>
/// <param name="Actual">After the provider's status said what it billed; null until then.</param>
public sealed record MessageCost(decimal? Estimate, decimal? Actual, string Currency, string? Market);

public sealed record MessageError(string? Code, string? Reason);

public sealed record MessagePricing(string Category, bool? Billable, string? Type);

/// <summary>Free text (<c>text</c>), or an approved WhatsApp <c>template</c>.</summary>
public sealed record SendMessageRequest(ChannelKind? Channel, string? Text, string? Subject, TemplateSendRequest? Template);

/// <param name="Parameters">The body placeholders' values: an array for <c>{{1}}…</c>, an object for named ones.</param>
public sealed record TemplateSendRequest(string? Name, string? Language, System.Text.Json.JsonElement? Parameters);

public sealed record SendMessageAccepted(Guid Id, ChannelKind Channel, DeliveryStatus Status, MessageCost? Cost);

public sealed record ConversationView(
    Guid Id, Guid ContactId, ConversationStatus Status, AssigneeView? Assignee, DateTime? LastMessageAt,
    DateTime? LastCustomerMessageAt, ChannelKind? LastCustomerChannel);

public sealed record AssigneeView(string? UserId, string? UserName, Guid? TeamId, string? TeamName);

public sealed record UpdateConversationRequest(ConversationStatus? Status, AssigneeRequest? Assignee);

/// <summary>Assign to an agent, a team, or both (a team member). Both null unassigns.</summary>
public sealed record AssigneeRequest(string? UserId, Guid? TeamId);

public sealed record TeamView(Guid Id, string Name, IReadOnlyList<TeamMemberView> Members);

public sealed record TeamMemberView(string UserId, string? DisplayName, string? Email);

public sealed record CreateTeamRequest(string? Name, IReadOnlyList<string>? MemberUserIds);
