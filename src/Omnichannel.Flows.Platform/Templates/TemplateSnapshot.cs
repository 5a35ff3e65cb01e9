using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// One template as the Graph API lists it (<c>GET /{waba-id}/message_templates</c>). Category and status are null when
/// Meta sends a value we do not know; the stored template then keeps what it had.
/// </summary>
public sealed record TemplateSnapshot(
    string? ExternalId,
    string Name,
    string Language,
    TemplateCategory? Category,
    TemplateStatus? Status,
    TemplateQuality Quality,
    string Components,
    string? BodyText,
    List<string> BodyParameters,
    string? RejectedReason)
{
    /// <exception cref="InboundPayloadException">The template has no name or language (<paramref name="pointer"/> says which).</exception>
    public static TemplateSnapshot Read(JsonElement template, string pointer)
    {
        var components = template.TryGetProperty("components", out var list) && list.ValueKind == JsonValueKind.Array ? list : default;
        var body = TemplateText.BodyOf(components);
        var quality = template.Object("quality_score")?.String("score") ?? template.String("quality_score");
        var rejected = template.String("rejected_reason");
        return new TemplateSnapshot(
            template.String("id") ?? template.Int64("id")?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            template.RequiredString("name", pointer),
            template.RequiredString("language", pointer),
            TemplateNames.TryParse<TemplateCategory>(template.String("category"), out var category) ? category : null,
            TemplateNames.StatusFromMeta(template.String("status")),
            TemplateNames.TryParse<TemplateQuality>(quality, out var score) ? score : TemplateQuality.Unknown,
            components.ValueKind == JsonValueKind.Array ? components.GetRawText() : "[]",
            body,
            TemplateText.Placeholders(body),
            rejected is null or "NONE" ? null : rejected);
    }

    public MessageTemplate ToTemplate(DateTime now)
    {
        var template = new MessageTemplate { Name = Name, Language = Language, CreatedAt = now };
        ApplyTo(template);
        template.Category = Category ?? TemplateCategory.Marketing;
        template.Status = Status ?? TemplateStatus.Pending;
        template.UpdatedAt = now;
        return template;
    }

    /// <returns>True when anything Meta says about the template differs from what was stored.</returns>
    public bool ApplyTo(MessageTemplate template)
    {
        var changed = false;
        Set(template.ExternalId, ExternalId ?? template.ExternalId, v => template.ExternalId = v, ref changed);
        Set(template.Category, Category ?? template.Category, v => template.Category = v, ref changed);
        Set(template.Status, Status ?? template.Status, v => template.Status = v, ref changed);
        Set(template.Quality, Quality, v => template.Quality = v, ref changed);
        Set(template.Components, Components, v => template.Components = v, ref changed);
        Set(template.BodyText, BodyText, v => template.BodyText = v, ref changed);
        Set(template.RejectedReason, RejectedReason, v => template.RejectedReason = v, ref changed);
        if (!template.BodyParameters.SequenceEqual(BodyParameters))
        {
            template.BodyParameters = [.. BodyParameters];
            changed = true;
        }

        return changed;
    }

    private static void Set<T>(T current, T value, Action<T> set, ref bool changed)
    {
        if (!EqualityComparer<T>.Default.Equals(current, value))
        {
            set(value);
            changed = true;
        }
    }
}
