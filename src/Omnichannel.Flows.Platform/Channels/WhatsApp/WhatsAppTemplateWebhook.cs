using System.Globalization;
using System.Text.Json;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

/// <summary>
/// Reads the WhatsApp Business Account's template webhook fields: <c>message_template_status_update</c> (<c>event</c>,
/// <c>reason</c>), <c>template_category_update</c> (<c>previous_category</c> → <c>new_category</c>) and
/// <c>message_template_quality_update</c> (<c>new_quality_score</c>), each naming the template by
/// <c>message_template_id</c>, <c>message_template_name</c> and <c>message_template_language</c>.
/// </summary>
public static class WhatsAppTemplateWebhook
{
    /// <returns>
    /// The change, or null for other fields and for what changes nothing we keep: status events that are not a status
    /// (<c>FLAGGED</c>, <c>LOCKED</c>…), an announced category change that has not happened yet (it has
    /// <c>correct_category</c> and no <c>previous_category</c>), a value we do not know.
    /// </returns>
    public static InboundTemplateChange? Read(string? field, JsonElement? value)
    {
        if (value is not { } change)
        {
            return null;
        }

        return field switch
        {
            "message_template_status_update" => TemplateNames.StatusFromMeta(change.String("event")) is { } status
                ? Identify(change, new InboundTemplateStatus
                {
                    Status = status,
                    Reason = change.String("reason") is { } reason && reason != "NONE" ? reason : null,
                    Category = TemplateNames.TryParse<TemplateCategory>(change.String("message_template_category"), out var category) ? category : null,
                })
                : null,
            "template_category_update" when change.String("previous_category") is not null =>
                TemplateNames.TryParse<TemplateCategory>(change.String("new_category"), out var category)
                    ? Identify(change, new InboundTemplateCategory { Category = category })
                    : null,
            "message_template_quality_update" =>
                TemplateNames.TryParse<TemplateQuality>(change.String("new_quality_score"), out var quality)
                    ? Identify(change, new InboundTemplateQuality { Quality = quality })
                    : null,
            _ => null,
        };
    }

    private static InboundTemplateChange Identify(JsonElement change, InboundTemplateChange item) => item with
    {
        TemplateExternalId = change.String("message_template_id") ?? change.Int64("message_template_id")?.ToString(CultureInfo.InvariantCulture),
        Name = change.String("message_template_name"),
        // The list spells languages en_US; some webhook examples spell them en-US.
        Language = change.String("message_template_language")?.Replace('-', '_'),
    };
}
