using System.Text.Json;

namespace Omnichannel.Flows.Engine.Serialization;

/// <summary>RFC 6901 JSON pointers: building them for error paths and resolving them against a document.</summary>
public static class JsonPointers
{
    /// <summary>Escapes one reference token (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>).</summary>
    public static string Escape(string token) =>
        token.Contains('~', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal)
            ? token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : token;

    /// <summary>True when <paramref name="pointer"/> is "" or a sequence of <c>/token</c>s.</summary>
    public static bool IsValid(string pointer) => pointer.Length == 0 || pointer[0] == '/';

    /// <summary>Resolves <paramref name="pointer"/> in <paramref name="document"/>; false when a step is missing.</summary>
    public static bool TryResolve(JsonElement document, string pointer, out JsonElement value)
    {
        value = document;
        if (!IsValid(pointer))
        {
            return false;
        }

        var rest = pointer.AsSpan();
        while (rest.Length > 0)
        {
            rest = rest[1..];
            var end = rest.IndexOf('/');
            var raw = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[end..];
            var token = raw.Contains('~') ? raw.ToString().Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal) : null;
            if (value.ValueKind == JsonValueKind.Object)
            {
                if (!(token is null ? value.TryGetProperty(raw, out value) : value.TryGetProperty(token, out value)))
                {
                    return false;
                }
            }
            else if (value.ValueKind == JsonValueKind.Array
                     && (token is null ? int.TryParse(raw, out var index) : int.TryParse(token, out index))
                     && index >= 0 && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
