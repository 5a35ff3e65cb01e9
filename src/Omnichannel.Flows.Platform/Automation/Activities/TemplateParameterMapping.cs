using System.Globalization;
using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// A WhatsApp template's body values as a flow node gives them, each a Liquid text: an array for positional
/// placeholders (<c>["{{ contact.first_name }}", "{{ flow.order }}"]</c> fills <c>{{1}}</c>, <c>{{2}}</c>) or an object
/// for named ones (<c>{ "first_name": "{{ contact.first_name }}" }</c>). Rendered per run into the JSON
/// <c>MessageSender</c> binds to the template.
/// </summary>
public sealed class TemplateParameterMapping
{
    // Readable in the journal: values as written, not \u-escaped.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IReadOnlyList<KeyValuePair<string, LiquidText>> values;
    private readonly bool named;

    private TemplateParameterMapping(IReadOnlyList<KeyValuePair<string, LiquidText>> values, bool named)
    {
        this.values = values;
        this.named = named;
    }

    /// <summary>The input parser: an array or object of Liquid texts, each checked with its pointer.</summary>
    public static object? Parse(JsonElement value, InputParseContext context)
    {
        var parsed = new List<KeyValuePair<string, LiquidText>>();
        var valid = true;
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var at = (index++).ToString(CultureInfo.InvariantCulture);
                    valid &= Add(parsed, at, context.ParseLiquid(item, at));
                }

                return valid ? new TemplateParameterMapping(parsed, named: false) : null;
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    valid &= Add(parsed, member.Name, context.ParseLiquid(member.Value, member.Name));
                }

                return valid ? new TemplateParameterMapping(parsed, named: true) : null;
            default:
                context.AddError("Expected an array of texts for {{1}}, {{2}}… or an object of placeholder name → text; texts may use Liquid.");
                return null;
        }
    }

    /// <summary>The values for this run, as <c>SendTemplateRequest.Parameters</c> takes them; recorded in the journal.</summary>
    public JsonElement Render(StepContext context, string journalName)
    {
        var rendered = values.Select(v => KeyValuePair.Create(v.Key, context.Render(v.Value).Trim())).ToList();
        var json = named
            ? JsonSerializer.SerializeToElement(rendered.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), Json)
            : JsonSerializer.SerializeToElement(rendered.Select(v => v.Value).ToArray(), Json);
        context.Record(journalName, json.GetRawText());
        return json;
    }

    private static bool Add(List<KeyValuePair<string, LiquidText>> parsed, string key, LiquidText? text)
    {
        if (text is null)
        {
            return false;
        }

        parsed.Add(KeyValuePair.Create(key, text));
        return true;
    }
}
