using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>
/// Reads providers' JSON leniently (unknown fields are ignored; a missing optional value is null) and strictly where a
/// value is required, so that what does not parse says where (a 400 while the provider waits, or a failed delivery).
/// </summary>
public static class JsonPayload
{
    /// <summary>The JSON object in <paramref name="json"/>; <paramref name="pointer"/> names where it came from.</summary>
    /// <exception cref="InboundPayloadException">Not JSON, or not an object.</exception>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> json, string pointer = "")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new InboundPayloadException($"Not valid JSON: {exception.Message}", pointer);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InboundPayloadException("Must be a JSON object.", pointer);
        }

        return document;
    }

    public static long RequiredInt64(this JsonElement element, string property, string pointer) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new InboundPayloadException($"'{property}' must be an integer.", $"{pointer}/{property}");

    /// <summary>A unix time in seconds (or <paramref name="milliseconds"/>) as UTC.</summary>
    public static DateTime RequiredUnixTime(this JsonElement element, string property, string pointer, bool milliseconds = false)
    {
        var value = element.RequiredInt64(property, pointer);
        try
        {
            return (milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(value) : DateTimeOffset.FromUnixTimeSeconds(value)).UtcDateTime;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new InboundPayloadException($"'{property}' is not a unix time{(milliseconds ? " in milliseconds" : "")}.", $"{pointer}/{property}");
        }
    }

    public static string RequiredString(this JsonElement element, string property, string pointer) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InboundPayloadException($"'{property}' must be a non-empty string.", $"{pointer}/{property}");

    public static JsonElement RequiredObject(this JsonElement element, string property, string pointer) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new InboundPayloadException($"'{property}' must be an object.", $"{pointer}/{property}");

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
}
