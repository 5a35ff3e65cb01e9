using System.Text.Json;
using System.Text.RegularExpressions;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Templates;

/// <summary>Reads a WhatsApp template's components: the body text and its placeholders (<c>{{1}}</c> or <c>{{first_name}}</c>).</summary>
public static partial class TemplateText
{
    /// <summary>The text of the <c>BODY</c> component (Meta spells the type in capitals; we accept any case).</summary>
    public static string? BodyOf(JsonElement components) =>
        components.ValueKind == JsonValueKind.Array
            ? components.EnumerateArray().FirstOrDefault(IsBody).String("text")
            : null;

    public static bool IsBody(JsonElement component) =>
        string.Equals(component.String("type"), "BODY", StringComparison.OrdinalIgnoreCase);

    /// <summary>The placeholders of <paramref name="text"/> in the order they first appear, each once.</summary>
    public static List<string> Placeholders(string? text) =>
        text is null ? [] : [.. Placeholder().Matches(text).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Why the placeholders cannot be submitted, or null: positional ones are numbered 1..n without gaps, named ones are
    /// lower-case letters, digits and underscores, and a text does not mix the two.
    /// </summary>
    public static string? PlaceholderProblem(IReadOnlyList<string> placeholders)
    {
        var positional = placeholders.Where(p => p.All(char.IsAsciiDigit)).ToList();
        if (positional.Count > 0 && positional.Count < placeholders.Count)
        {
            return "Placeholders are either all numbered ({{1}}, {{2}}…) or all named ({{first_name}}), not both.";
        }

        if (positional.Count > 0)
        {
            var numbers = positional.Select(p => int.TryParse(p, out var n) ? n : -1).Order().ToList();
            var missing = Enumerable.Range(1, numbers.Count).Except(numbers).FirstOrDefault();
            return missing == 0 ? null : $"Placeholders are numbered 1 to {numbers.Count} without gaps; {{{{{missing}}}}} is missing.";
        }

        return placeholders.FirstOrDefault(p => !NamedPlaceholder().IsMatch(p)) is { } bad
            ? $"'{{{{{bad}}}}}' is not a valid placeholder name: use lower-case letters, digits and underscores, starting with a letter."
            : null;
    }

    public static bool IsNamed(IReadOnlyList<string> placeholders) => placeholders.Any(p => !p.All(char.IsAsciiDigit));

    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamedPlaceholder();
}
