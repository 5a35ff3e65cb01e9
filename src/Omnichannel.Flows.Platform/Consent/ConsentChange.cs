using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// One opt-in or opt-out in a customer's consent history: on which channel, for what (<see cref="ConsentScope"/>), how
/// it came about (<see cref="ConsentSource"/>) and when. The history is append-only; <see cref="ContactConsent"/> holds the
/// latest change per contact, channel and scope.
/// </summary>
public sealed class ConsentChange
{
    public const int MaxDetailLength = 500;

    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public ChannelKind Channel { get; init; }
    public ConsentScope Scope { get; init; }
    public bool OptedIn { get; init; }
    public ConsentSource Source { get; init; }

    /// <summary>What the customer wrote, the provider's error, or the agent's note.</summary>
    public string? Detail { get; init; }

    /// <summary>The customer's keyword message, or the send that failed with the provider's opt-out error.</summary>
    public Guid? MessageId { get; init; }

    public string? ChangedByUserId { get; init; }
    public string? ChangedByName { get; init; }

    /// <summary>When the customer (or provider, or agent) said so: the keyword message's own time for keywords.</summary>
    public DateTime OccurredAt { get; init; }
    public DateTime RecordedAt { get; init; }
}

/// <summary>What an opt-out covers on its channel: every message (<c>all</c>) or promotions only (<c>marketing</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConsentScope>))]
public enum ConsentScope
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("marketing")] Marketing,
}

/// <summary>How a consent change came about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConsentSource>))]
public enum ConsentSource
{
    /// <summary>The customer wrote a keyword (STOP, START…).</summary>
    [JsonStringEnumMemberName("keyword")] Keyword,

    /// <summary>The customer tapped a template's "Stop promotions" quick reply (WhatsApp).</summary>
    [JsonStringEnumMemberName("button")] Button,

    /// <summary>A send failed because the provider knows the customer opted out (Twilio 21610, WhatsApp 131050).</summary>
    [JsonStringEnumMemberName("provider_error")] ProviderError,

    /// <summary>An agent or admin recorded it (UI or API), with who did it.</summary>
    [JsonStringEnumMemberName("agent")] Agent,

    /// <summary>An integration recorded it (imports, CRM sync).</summary>
    [JsonStringEnumMemberName("api")] Api,

    /// <summary>Two profiles were merged and one of them had opted out: the kept profile opts out too.</summary>
    [JsonStringEnumMemberName("merge")] Merge,
}
