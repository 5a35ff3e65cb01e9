using System.Text.RegularExpressions;

namespace Omnichannel.Flows.Web.Components.Broadcasts;

/// <summary>A template's body with each placeholder shown as the marketer mapped it: fixed text as is, a profile field as ‹field›.</summary>
public static partial class TemplatePreview
{
    public static string Render(string? body, IReadOnlyDictionary<string, ParameterDraft> parameters) =>
        Placeholder().Replace(body ?? "", match => parameters.GetValueOrDefault(match.Groups[1].Value) switch
        {
            { Fixed: true, Literal: { Length: > 0 } literal } => literal,
            { Fixed: false, Field: { Length: > 0 } field } source => source.Fallback.Length > 0 ? $"‹{field} | {source.Fallback}›" : $"‹{field}›",
            _ => match.Value,
        });

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
