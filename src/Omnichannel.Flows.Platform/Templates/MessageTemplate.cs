using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// A WhatsApp message template as Meta knows it (synced from the Graph API and kept current by its webhooks). Only
/// <see cref="TemplateStatus.Approved"/> templates can be sent; outside a service window they are the only way to write.
/// </summary>
public sealed class MessageTemplate
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public ChannelKind Channel { get; init; } = ChannelKind.WhatsApp;

    /// <summary>Meta's template id.</summary>
    public string? ExternalId { get; set; }
    public required string Name { get; init; }

    /// <summary>Meta's language code (<c>en_US</c>, <c>de</c>).</summary>
    public required string Language { get; init; }
    public TemplateCategory Category { get; set; }
    public TemplateStatus Status { get; set; }
    public TemplateQuality Quality { get; set; }

    /// <summary>The components as Meta describes them (header, body, footer, buttons), JSON.</summary>
    public string Components { get; set; } = "[]";

    /// <summary>The body text with its placeholders (<c>{{1}}</c> or <c>{{first_name}}</c>), for previews.</summary>
    public string? BodyText { get; set; }

    /// <summary>The body's placeholders in order (<c>1</c>, <c>2</c>… or names).</summary>
    public List<string> BodyParameters { get; set; } = [];
    public string? RejectedReason { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastSyncedAt { get; set; }
}

/// <summary>Meta's template categories. Free-form messages bill as <c>service</c>, which is not a template category.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TemplateCategory>))]
public enum TemplateCategory
{
    [JsonStringEnumMemberName("marketing")] Marketing,
    [JsonStringEnumMemberName("utility")] Utility,
    [JsonStringEnumMemberName("authentication")] Authentication,
}

[JsonConverter(typeof(JsonStringEnumConverter<TemplateStatus>))]
public enum TemplateStatus
{
    [JsonStringEnumMemberName("approved")] Approved,
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("disabled")] Disabled,
    [JsonStringEnumMemberName("in_appeal")] InAppeal,
    [JsonStringEnumMemberName("deleted")] Deleted,
}

[JsonConverter(typeof(JsonStringEnumConverter<TemplateQuality>))]
public enum TemplateQuality
{
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("green")] Green,
    [JsonStringEnumMemberName("yellow")] Yellow,
    [JsonStringEnumMemberName("red")] Red,
}

public static class TemplateNames
{
    /// <summary>Meta's spelling of a category/status/quality (<c>MARKETING</c>, <c>APPROVED</c>, <c>GREEN</c>), case-insensitive.</summary>
    public static bool TryParse<TEnum>(string? value, out TEnum result) where TEnum : struct, Enum =>
        EnumNames.TryParse(value?.Replace("_", "", StringComparison.Ordinal), out result);

    /// <summary>
    /// A status as Meta spells it in the template list and in <c>message_template_status_update</c> events; null for
    /// events that are not a status (<c>FLAGGED</c>, <c>LOCKED</c>, <c>ARCHIVED</c>…) or that we do not know.
    /// </summary>
    public static TemplateStatus? StatusFromMeta(string? value) => value?.ToUpperInvariant() switch
    {
        "PENDING_DELETION" or "DELETED" => TemplateStatus.Deleted,
        "REINSTATED" => TemplateStatus.Approved,
        _ => TryParse<TemplateStatus>(value, out var status) ? status : null,
    };

    public static string ToMeta<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? $"_{c}" : c.ToString())).ToUpperInvariant();
}
