using System.Text.Json;

namespace Omnichannel.Flows.Web.Tests.Channels;

/// <summary>Cloud API webhook bodies as Meta sends them (shapes from the Cloud API docs, trimmed).</summary>
public static class WhatsAppPayloads
{
    public static string Message(string from, string id, DateTimeOffset sentAt, string messageJson, string? name = "Anna Example") =>
        Envelope($$"""
            "contacts": [{ "profile": { "name": {{JsonSerializer.Serialize(name)}} }, "wa_id": "{{from}}" }],
            "messages": [{ "from": "{{from}}", "id": "{{id}}", "timestamp": "{{sentAt.ToUnixTimeSeconds()}}", {{messageJson}} }]
            """);

    public static string Text(string from, string id, DateTimeOffset sentAt, string body, string? name = "Anna Example") =>
        Message(from, id, sentAt, $$"""
            "type": "text", "text": { "body": {{JsonSerializer.Serialize(body)}} }
            """, name);

    public static string Status(string messageId, string status, DateTimeOffset at, string recipient, string extra = "") =>
        Envelope($$"""
            "statuses": [{ "id": "{{messageId}}", "status": "{{status}}", "timestamp": "{{at.ToUnixTimeSeconds()}}", "recipient_id": "{{recipient}}"{{extra}} }]
            """);

    private static string Envelope(string value) => $$"""
        {
          "object": "whatsapp_business_account",
          "entry": [{
            "id": "WABA-1",
            "changes": [{
              "field": "messages",
              "value": {
                "messaging_product": "whatsapp",
                "metadata": { "display_phone_number": "15550001111", "phone_number_id": "109876543210" },
                {{value}}
              }
            }]
          }]
        }
        """;
}
