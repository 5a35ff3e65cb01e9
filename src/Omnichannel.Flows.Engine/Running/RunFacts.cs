using System.Collections.Immutable;
using System.Text.Json;
using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// The facts one run sees: <c>flow.*</c> from its variables, <c>trigger.*</c> from the trigger's payload, everything
/// else from the platform's facts. Dotted paths walk into JSON (<c>flow.order.items.0.sku</c>).
/// </summary>
internal sealed class RunFacts(FlowRun run) : IFlowFacts
{
    public bool TryGetValue(string path, out FactValue value)
    {
        if (path.StartsWith("flow.", StringComparison.Ordinal))
        {
            var rest = path.AsSpan(5);
            var dot = rest.IndexOf('.');
            var name = dot < 0 ? path[5..] : rest[..dot].ToString();
            return Found(run.Variables.TryGetValue(name, out var variable), variable, dot < 0 ? [] : rest[(dot + 1)..], out value);
        }

        if (path.StartsWith("trigger.", StringComparison.Ordinal))
        {
            var trigger = run.Instance.Trigger;
            return Found(trigger is not null, trigger.GetValueOrDefault(), path.AsSpan(8), out value);
        }

        return run.PlatformFacts.TryGetValue(path, out value);
    }

    private static bool Found(bool exists, JsonElement root, ReadOnlySpan<char> dotted, out FactValue value)
    {
        value = FactValue.None;
        if (!exists || !JsonFacts.TryNavigate(root, dotted, out var found))
        {
            return false;
        }

        value = JsonFacts.ToFact(found);
        return true;
    }
}

/// <summary>JSON values as facts.</summary>
internal static class JsonFacts
{
    /// <summary>Walks <paramref name="dotted"/> (<c>order.items.0.sku</c>) into <paramref name="root"/>.</summary>
    public static bool TryNavigate(JsonElement root, ReadOnlySpan<char> dotted, out JsonElement found)
    {
        found = root;
        while (dotted.Length > 0)
        {
            var dot = dotted.IndexOf('.');
            var step = dot < 0 ? dotted : dotted[..dot];
            dotted = dot < 0 ? [] : dotted[(dot + 1)..];
            if (found.ValueKind == JsonValueKind.Object && found.TryGetProperty(step, out var member))
            {
                found = member;
            }
            else if (found.ValueKind == JsonValueKind.Array && int.TryParse(step, out var index) && index >= 0 && index < found.GetArrayLength())
            {
                found = found[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Texts, numbers and booleans as themselves; arrays as lists of their scalar items; objects as no value (they are
    /// walked into, <c>flow.reply.text</c>, not read whole).
    /// </summary>
    public static FactValue ToFact(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => FactValue.From(json.GetString()),
        JsonValueKind.Number => FactValue.From(json.GetDouble()),
        JsonValueKind.True => FactValue.From(true),
        JsonValueKind.False => FactValue.From(false),
        JsonValueKind.Array => FactValue.From(json.EnumerateArray()
            .Where(item => item.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText())
            .ToImmutableArray()),
        _ => FactValue.None,
    };
}
