using System.Text.Json;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>The shape check of Meta's webhook envelope (WhatsApp, Messenger, Instagram) done before answering.</summary>
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

    private static string JsonPathToPointer(string path) =>
        "/" + path.TrimStart('$').TrimStart('.').Replace("[", "/", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', '/');
}
