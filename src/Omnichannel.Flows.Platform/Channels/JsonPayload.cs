using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>Reads a provider's JSON so that what does not parse says where (for a 400 while the provider waits, or a failed delivery).</summary>
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
}
