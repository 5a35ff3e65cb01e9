using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>Lenient reading of Meta payloads: unknown fields are ignored, what we use is validated.</summary>
public static class MetaJson
{
    /// <summary>The cheap shape check done before answering: a JSON object whose <c>object</c> is one of <paramref name="objects"/> and with an <c>entry</c> array.</summary>
    public static WebhookVerdict InspectEnvelope(byte[] body, params string[] objects)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return WebhookVerdict.Malformed("The body must be a JSON object.", "");
            }

            if (!root.TryGetProperty("object", out var kind) || kind.ValueKind != JsonValueKind.String || !objects.Contains(kind.GetString()))
            {
                return WebhookVerdict.Malformed($"'object' must be {string.Join(" or ", objects.Select(o => $"'{o}'"))}.", "/object");
            }

            if (!root.TryGetProperty("entry", out var entry) || entry.ValueKind != JsonValueKind.Array)
            {
                return WebhookVerdict.Malformed("'entry' must be an array.", "/entry");
            }

            return WebhookVerdict.Accepted;
        }
        catch (JsonException exception)
        {
            return WebhookVerdict.Malformed($"The body is not valid JSON: {exception.Message}", exception.Path is { } path ? JsonPathToPointer(path) : "");
        }
    }

    /// <summary>Parses a stored delivery; one that is not JSON throws <see cref="InboundPayloadException"/>.</summary>
    public static JsonDocument ParseStored(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new InboundPayloadException($"Not JSON: {exception.Message}", "");
        }
    }

    public static string? String(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static JsonElement? Object(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static IEnumerable<JsonElement> Array(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static long? Int64(this JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), out var number) => number,
            _ => null,
        };
    }

    public static bool? Boolean(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) &&
        value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    private static string JsonPathToPointer(string path) =>
        "/" + path.TrimStart('$').TrimStart('.').Replace("[", "/", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', '/');
}
