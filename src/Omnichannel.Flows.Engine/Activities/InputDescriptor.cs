using System.Text.Json;
using System.Text.Json.Serialization;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>What an input holds; the designer picks its editor from it and the validator its check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InputKind>))]
public enum InputKind
{
    /// <summary>Plain text, used as written.</summary>
    [JsonStringEnumMemberName("text")] Text,

    /// <summary>Text that may contain Liquid (<c>Hi {{ contact.first_name }}</c>), rendered per run.</summary>
    [JsonStringEnumMemberName("liquidText")] LiquidText,
    [JsonStringEnumMemberName("number")] Number,
    [JsonStringEnumMemberName("boolean")] Boolean,

    /// <summary>An ISO 8601 duration (<c>PT24H</c>, <c>P1D</c>).</summary>
    [JsonStringEnumMemberName("duration")] Duration,

    /// <summary>A local time, <c>HH:mm</c> or <c>HH:mm:ss</c>.</summary>
    [JsonStringEnumMemberName("timeOfDay")] TimeOfDay,

    /// <summary>An IANA time zone id (<c>Europe/Madrid</c>).</summary>
    [JsonStringEnumMemberName("timeZone")] TimeZone,

    /// <summary>A five-field cron expression (<c>0 9 * * 1-5</c>).</summary>
    [JsonStringEnumMemberName("cron")] Cron,

    /// <summary>A channel name; the platform supplies the choices.</summary>
    [JsonStringEnumMemberName("channel")] Channel,

    /// <summary>A contact tag.</summary>
    [JsonStringEnumMemberName("tag")] Tag,

    /// <summary>A message template name; the platform supplies the choices.</summary>
    [JsonStringEnumMemberName("template")] Template,

    /// <summary>A structured condition (<c>{ "all": [ { "field", "operator", "value" } ] }</c>).</summary>
    [JsonStringEnumMemberName("condition")] Condition,

    /// <summary>Switch cases (<c>[ { "name", "condition" | "value" } ]</c>); each case becomes an output port.</summary>
    [JsonStringEnumMemberName("cases")] Cases,

    /// <summary>Any JSON value, checked by the activity's own parser if it has one.</summary>
    [JsonStringEnumMemberName("json")] Json,

    /// <summary>One of <see cref="InputDescriptor.Options"/>.</summary>
    [JsonStringEnumMemberName("select")] Select,
}

/// <summary>
/// One input of an activity, as the designer's property panel shows it and the validator checks it.
/// <see cref="Parser"/> replaces the kind's own parsing (e.g. a JSON object of headers parsed into Liquid texts).
/// </summary>
public sealed record InputDescriptor(string Name, InputKind Kind, string DisplayName, string Description)
{
    public bool Required { get; init; }

    /// <summary>The value used when the node does not set the input.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>The choices of a <see cref="InputKind.Select"/> input.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    [JsonIgnore]
    public InputParser? Parser { get; init; }
}

/// <summary>Parses one input's JSON into what the activity reads at run time; reports problems through <paramref name="context"/>.</summary>
public delegate object? InputParser(JsonElement value, InputParseContext context);
