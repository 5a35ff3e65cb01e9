using System.Text.Json;
using System.Text.Json.Serialization;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// What a broadcast sends to whom, stored with it as JSON: the audience, the channels in order of preference, what to
/// send on each, and the quiet hours. A draft may be incomplete; a broadcast is scheduled only once it is complete
/// (see <see cref="BroadcastValidator"/>).
/// </summary>
public sealed record BroadcastDefinition
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public AudienceFilter Audience { get; init; } = new();

    /// <summary>The channel priority list: each recipient gets the first one that reaches them and may be used.</summary>
    public IReadOnlyList<ChannelKind> Channels { get; init; } = [];

    /// <summary>What to send per channel: an approved template on WhatsApp, a text elsewhere.</summary>
    public IReadOnlyDictionary<ChannelKind, ChannelContent> Content { get; init; } = new Dictionary<ChannelKind, ChannelContent>();

    public QuietHours? QuietHours { get; init; }

    public static BroadcastDefinition Parse(string json) => JsonSerializer.Deserialize<BroadcastDefinition>(json, Json) ?? new();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public ChannelContent? ContentFor(ChannelKind channel) => Content.GetValueOrDefault(channel);
}

/// <summary>Who is in the audience: every live profile that matches all of the filters given (none: everyone).</summary>
/// <param name="Tags">Tags the customer must have: all of them, or any (<see cref="TagMatch"/>).</param>
/// <param name="ReachableOn">Channels of which the customer must be reachable on at least one.</param>
/// <param name="Fields">Custom fields that must equal a value.</param>
public sealed record AudienceFilter(
    IReadOnlyList<string>? Tags = null, TagMatch TagMatch = TagMatch.All, IReadOnlyList<ChannelKind>? ReachableOn = null,
    IReadOnlyList<FieldEquals>? Fields = null);

[JsonConverter(typeof(JsonStringEnumConverter<TagMatch>))]
public enum TagMatch
{
    [JsonStringEnumMemberName("all")] All,
    [JsonStringEnumMemberName("any")] Any,
}

public sealed record FieldEquals(string Key, [property: JsonPropertyName("equals")] string Value);

/// <param name="Template">WhatsApp: the approved template (name and language).</param>
/// <param name="Parameters">WhatsApp: where each body placeholder's value comes from, by placeholder name (<c>1</c>, <c>first_name</c>).</param>
/// <param name="Text">Other channels: the text, with variables such as <c>{{contact.first_name|there}}</c>.</param>
/// <param name="Subject">Email: the subject (variables allowed).</param>
public sealed record ChannelContent(
    TemplateRef? Template = null, IReadOnlyDictionary<string, ParameterSource>? Parameters = null, string? Text = null, string? Subject = null);

public sealed record TemplateRef(string Name, string Language);

/// <summary>A template value: a profile variable (<c>contact.first_name</c>, <c>contact.fields.plan</c>) with a fallback, or a literal.</summary>
public sealed record ParameterSource(string? Field = null, string? Literal = null, string? Fallback = null);

/// <summary>Local times between which nobody is written to (in each customer's own time zone); may span midnight.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool IsQuiet(TimeOnly local) =>
        Start < End ? local >= Start && local < End : local >= Start || local < End;

    /// <summary>Whether it is quiet now where <paramref name="zone"/> is, and if so when it ends (UTC).</summary>
    public DateTime? QuietUntil(TimeZoneInfo zone, DateTime utcNow)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        if (!IsQuiet(TimeOnly.FromDateTime(local)))
        {
            return null;
        }

        var end = local.Date + End.ToTimeSpan();
        if (end <= local)
        {
            end = end.AddDays(1);
        }

        // A wall-clock time the clocks skip (a DST gap) does not exist: the first valid moment after it.
        while (zone.IsInvalidTime(end))
        {
            end = end.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(end, DateTimeKind.Unspecified), zone);
    }
}
