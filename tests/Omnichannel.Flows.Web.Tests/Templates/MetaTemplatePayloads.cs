using System.Text.Json;

namespace Omnichannel.Flows.Web.Tests.Templates;

/// <summary>Graph API answers and template webhooks as Meta sends them (shapes from the WhatsApp Business Management API docs).</summary>
public static class MetaTemplatePayloads
{
    /// <summary>One template of <c>GET /{waba-id}/message_templates</c>.</summary>
    public static string Template(string id, string name, string language, string status, string category, string body,
        string quality = "GREEN", string rejectedReason = "NONE") => $$"""
        {
          "name": "{{name}}",
          "components": [
            { "type": "HEADER", "format": "TEXT", "text": "Order update" },
            { "type": "BODY", "text": {{JsonSerializer.Serialize(body)}}, "example": { "body_text": [["Mark", "566701"]] } },
            { "type": "FOOTER", "text": "Reply STOP to opt out" }
          ],
          "language": "{{language}}",
          "status": "{{status}}",
          "category": "{{category}}",
          "quality_score": { "score": "{{quality}}", "date": 1764072000 },
          "rejected_reason": "{{rejectedReason}}",
          "id": "{{id}}"
        }
        """;

    /// <summary>A page of templates; with <paramref name="after"/> it says there is a next page, as Meta does.</summary>
    public static string Page(string? after, params string[] templates)
    {
        var next = after is null
            ? ""
            : $", \"next\": \"https://graph.facebook.com/v24.0/WABA-1/message_templates?fields=name&limit=100&after={after}\"";
        return $$"""
            {
              "data": [{{string.Join(",", templates)}}],
              "paging": { "cursors": { "before": "QVFIUmJ3", "after": "{{after ?? "QVFIUmxh"}}" }{{next}} }
            }
            """;
    }

    /// <summary>A WhatsApp Business Account webhook with one change of <paramref name="field"/>.</summary>
    public static string Webhook(string field, string value) => $$"""
        {
          "object": "whatsapp_business_account",
          "entry": [{
            "id": "WABA-1",
            "time": 1764072000,
            "changes": [{ "field": "{{field}}", "value": {{value}} }]
          }]
        }
        """;

    public static string StatusUpdate(long id, string name, string language, string @event, string reason = "NONE", string category = "UTILITY") =>
        TemplateChange("message_template_status_update", id, name, language, $$"""
            "event": "{{@event}}", "reason": "{{reason}}", "message_template_category": "{{category}}"
            """);

    public static string CategoryUpdate(long id, string name, string language, string previous, string next) =>
        TemplateChange("template_category_update", id, name, language, $$"""
            "previous_category": "{{previous}}", "new_category": "{{next}}"
            """);

    public static string QualityUpdate(long id, string name, string language, string previous, string next) =>
        TemplateChange("message_template_quality_update", id, name, language, $$"""
            "previous_quality_score": "{{previous}}", "new_quality_score": "{{next}}"
            """);

    private static string TemplateChange(string field, long id, string name, string language, string fields) =>
        Webhook(field, $$"""
            {
              "message_template_id": {{id}},
              "message_template_name": "{{name}}",
              "message_template_language": "{{language}}",
              {{fields}}
            }
            """);
}
