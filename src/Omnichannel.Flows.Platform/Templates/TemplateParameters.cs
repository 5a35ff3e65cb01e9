using System.Text.Json;
using System.Text.RegularExpressions;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>
/// Matches the values a sender gives for a template's body placeholders — a JSON array for positional templates
/// (<c>{{1}}</c>, <c>{{2}}</c>), an object for named ones (<c>{{first_name}}</c>) — and renders the text the customer
/// will read, for the thread.
/// </summary>
public static partial class TemplateParameters
{
    public const int MaxLength = 1024;

    /// <returns>The parameters in the template's order, or the problem and where (relative to the parameters).</returns>
    public static (IReadOnlyList<TemplateParameter>? Parameters, string? Problem, string Pointer) Bind(MessageTemplate template, JsonElement? values)
    {
        var expected = template.BodyParameters;
        var given = values is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } v ? v : default;
        var result = new List<TemplateParameter>(expected.Count);
        if (expected.Count == 0)
        {
            return given.ValueKind is JsonValueKind.Undefined or JsonValueKind.Array && (given.ValueKind == JsonValueKind.Undefined || given.GetArrayLength() == 0)
                ? (result, null, "")
                : (null, $"The template '{template.Name}' has no placeholders; send no parameters.", "");
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var name = expected[i];
            var (value, pointer) = given.ValueKind switch
            {
                JsonValueKind.Array when i < given.GetArrayLength() => (given[i], $"/{i}"),
                JsonValueKind.Object when given.TryGetProperty(name, out var named) => (named, $"/{name}"),
                _ => (default, given.ValueKind == JsonValueKind.Object ? $"/{name}" : $"/{i}"),
            };
            if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                return (null, $"The template '{template.Name}' needs {expected.Count} values ({string.Join(", ", expected.Select(p => $"{{{{{p}}}}}"))}); '{name}' is missing or not text.", pointer);
            }

            if (value.GetString()!.Length > MaxLength)
            {
                return (null, $"A template value has at most {MaxLength} characters.", pointer);
            }

            result.Add(new TemplateParameter(name, value.GetString()!));
        }

        if (given.ValueKind == JsonValueKind.Array && given.GetArrayLength() > expected.Count)
        {
            return (null, $"The template '{template.Name}' has {expected.Count} placeholders, not {given.GetArrayLength()}.", $"/{expected.Count}");
        }

        return (result, null, "");
    }

    /// <summary>The body with its placeholders filled: what the customer reads.</summary>
    public static string Render(MessageTemplate template, IReadOnlyList<TemplateParameter> parameters) =>
        Placeholder().Replace(template.BodyText ?? template.Name, match =>
            parameters.FirstOrDefault(p => p.Name == match.Groups[1].Value)?.Text ?? match.Value);

    /// <summary>The body's placeholders in order of first appearance.</summary>
    public static List<string> PlaceholdersOf(string? body) =>
        body is null ? [] : [.. Placeholder().Matches(body).Select(m => m.Groups[1].Value).Distinct()];

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Placeholder();
}
