using System.Text.Json;
using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Activities;

/// <summary>One case of a switch: matched by a condition, or by the switch's value equalling <see cref="Value"/>.</summary>
/// <param name="Name">The case's name, which is also its output port.</param>
public sealed record SwitchCase(string Name, Condition? Condition, string? Value);

/// <summary>Reads <c>[ { "name": "vip", "condition": {...} } | { "name": "gold", "value": "gold" } ]</c>.</summary>
internal static class SwitchCases
{
    public static IReadOnlyList<SwitchCase>? Parse(JsonElement json, InputParseContext context)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
        {
            context.AddError("Expected a non-empty array of cases: [ { \"name\", \"condition\" | \"value\" } ].");
            return null;
        }

        var before = context.Errors.Count;
        var cases = new List<SwitchCase>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in json.EnumerateArray())
        {
            var at = index++.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (item.ValueKind != JsonValueKind.Object)
            {
                context.AddError("A case is an object with \"name\" and \"condition\" or \"value\".", at);
                continue;
            }

            var name = item.TryGetProperty("name", out var nameJson) && nameJson.ValueKind == JsonValueKind.String ? nameJson.GetString()! : "";
            if (name.Length == 0 || name == Ports.Default || !names.Add(name))
            {
                context.AddError(name.Length == 0 ? "A case needs a name (it becomes its port)."
                    : name == Ports.Default ? "'default' is the port taken when no case matches; name the case otherwise."
                    : $"Two cases are named '{name}'.", at, "name");
            }

            var hasCondition = item.TryGetProperty("condition", out var conditionJson);
            var hasValue = item.TryGetProperty("value", out var valueJson);
            if (hasCondition == hasValue)
            {
                context.AddError("A case has either a \"condition\" or a \"value\".", at);
                continue;
            }

            var condition = hasCondition ? ConditionParser.Parse(conditionJson, $"{context.Pointer}/{at}/condition", context.Errors) : null;
            if (hasValue && valueJson.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                context.AddError("A case's value is a text, number or boolean.", at, "value");
            }

            var value = !hasValue ? null : valueJson.ValueKind == JsonValueKind.String ? valueJson.GetString() : valueJson.GetRawText();
            cases.Add(new SwitchCase(name, condition, value));
        }

        return context.Errors.Count == before ? cases : null;
    }
}
