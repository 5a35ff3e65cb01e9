namespace Omnichannel.Flows.Platform.Channels;

/// <summary>The outbound seam of a channel: one provider call per message, classified into a <see cref="SendOutcome"/>.</summary>
public interface IOutboundChannel
{
    ChannelKind Channel { get; }

    Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>What to send to whom. <see cref="MessageId"/> is ours; adapters pass it to the provider where it is echoed back.</summary>
public sealed record OutboundMessage
{
    public required Guid MessageId { get; init; }

    /// <summary>The customer's id on the channel (wa_id, PSID, phone, chat id, address, web chat session).</summary>
    public required string RecipientId { get; init; }
    public string? Text { get; init; }

    public string? EmailSubject { get; init; }
    public string? EmailMessageId { get; init; }
    public string? EmailInReplyTo { get; init; }
    public string? RecipientName { get; init; }

    /// <summary>Messenger/Instagram: the message tag when replying outside the 24 h window (e.g. HUMAN_AGENT).</summary>
    public string? MessageTag { get; init; }

    /// <summary>WhatsApp: send this approved template instead of free text.</summary>
    public OutboundTemplate? Template { get; init; }
}

/// <summary>An approved template and the values for its body placeholders, in the template's order.</summary>
public sealed record OutboundTemplate(string Name, string Language, IReadOnlyList<TemplateParameter> BodyParameters);

/// <param name="Name">The placeholder: <c>1</c>, <c>2</c>… for positional templates, a name for named ones.</param>
public sealed record TemplateParameter(string Name, string Text)
{
    public bool IsNamed => !Name.All(char.IsAsciiDigit);
}

/// <summary>How a provider answered a send.</summary>
public abstract record SendOutcome
{
    /// <summary>The provider took the message; <paramref name="ExternalId"/> is its id for status updates.</summary>
    public sealed record Accepted(string ExternalId) : SendOutcome;

    /// <summary>Nothing was sent (rate limit, provider unavailable): try again after the delay.</summary>
    public sealed record RetryLater(TimeSpan? After, string Code, string Reason) : SendOutcome;

    /// <summary>The provider refused the message for good.</summary>
    public sealed record Failed(string Code, string Reason) : SendOutcome;

    /// <summary>The call broke mid-way: the message may or may not have left. Never resent blindly.</summary>
    public sealed record Unknown(string Reason) : SendOutcome;
}
