using System.Globalization;
using System.Text.Json;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Web.Components.Contacts;

/// <summary>
/// One line saying what a media, location, interactive or other non-text message carried, read leniently from the
/// details JSON channels store (WhatsApp's shapes first; unknown shapes fall back to their plain values).
/// </summary>
public static class MessageDetailsSummary
{
    private const int MaxLength = 200;

    /// <returns>Null for text messages and when there is nothing readable.</returns>
    public static string? Summarize(MessageKind kind, string? details)
    {
        if (kind == MessageKind.Text || string.IsNullOrWhiteSpace(details))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(details);
            var summary = Summarize(kind, document.RootElement);
            return string.IsNullOrWhiteSpace(summary) ? null : Shorten(summary);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Summarize(MessageKind kind, JsonElement root) => kind switch
    {
        MessageKind.Image or MessageKind.Video or MessageKind.Audio or MessageKind.Document or MessageKind.Sticker => Media(root),
        MessageKind.Location => Location(root),
        MessageKind.Interactive => Reply(root, "button_reply", "button reply") ?? Reply(root, "list_reply", "list reply") ?? Plain(root),
        MessageKind.Button => Join(Quoted(Text(root, "text")), Labelled("payload", Text(root, "payload"))),
        MessageKind.Reaction => Text(root, "emoji") is { Length: > 0 } emoji ? $"reacted {emoji}" : "removed a reaction",
        MessageKind.Contacts => SharedContacts(root),
        MessageKind.Unsupported => Text(root, "type") is { } type ? $"unsupported message type '{type}'" : "unsupported message",
        _ => Plain(root),
    };

    private static string? Media(JsonElement root) =>
        Join(Text(root, "filename") ?? Text(root, "file_name") ?? Text(root, "name"), Text(root, "mime_type") ?? Text(root, "content_type"),
            Labelled("media id", Text(root, "id")));

    private static string? Location(JsonElement root)
    {
        var coordinates = Number(root, "latitude") is { } latitude && Number(root, "longitude") is { } longitude
            ? string.Create(CultureInfo.InvariantCulture, $"{latitude:0.#####}, {longitude:0.#####}")
            : null;
        return Join(Text(root, "name"), Text(root, "address"), coordinates);
    }

    private static string? Reply(JsonElement root, string property, string label) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var reply) && reply.ValueKind == JsonValueKind.Object
            ? Join($"{label} {Quoted(Text(reply, "title"))}".Trim(), Text(reply, "description"), Labelled("id", Text(reply, "id")))
            : null;

    private static string? SharedContacts(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return Plain(root);
        }

        var people = root.EnumerateArray().Select(contact =>
        {
            var name = contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty("name", out var n) ? Text(n, "formatted_name") : null;
            var phone = contact.ValueKind == JsonValueKind.Object && contact.TryGetProperty("phones", out var phones) && phones.ValueKind == JsonValueKind.Array
                ? phones.EnumerateArray().Select(p => Text(p, "phone")).FirstOrDefault(p => p is not null)
                : null;
            return phone is null ? name : $"{name} ({phone})";
        }).Where(p => !string.IsNullOrWhiteSpace(p));
        return $"shared contact: {string.Join("; ", people)}";
    }

    /// <summary>Unknown shapes: the object's plain values, "key: value".</summary>
    private static string? Plain(JsonElement root) =>
        root.ValueKind != JsonValueKind.Object ? null
        : Join([.. root.EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            .Select(p => $"{p.Name}: {p.Value}")
            .Take(4)]);

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static double? Number(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetDouble()
            : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var parsed) ? parsed
            : null
            : null;

    private static string? Quoted(string? text) => string.IsNullOrWhiteSpace(text) ? null : $"\u201c{text}\u201d";

    private static string? Labelled(string label, string? value) => string.IsNullOrWhiteSpace(value) ? null : $"{label} {value}";

    private static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(" \u00b7 ", present);
    }

    private static string Shorten(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 1), "\u2026");
}
