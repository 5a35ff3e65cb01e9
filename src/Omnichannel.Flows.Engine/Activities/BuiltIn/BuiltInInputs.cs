using System.Text.Json;

namespace Omnichannel.Flows.Engine.Activities.BuiltIn;

/// <summary>Helpers the built-in descriptors share: JSON defaults and variable names.</summary>
internal static class BuiltInInputs
{
    public static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);

    /// <summary>A variable name as <c>flow.{name}</c> reads it: a letter or underscore, then letters, digits, underscores.</summary>
    public static bool IsVariableName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Parses a variable name input.</summary>
    public static object? VariableName(JsonElement value, InputParseContext context)
    {
        if (value.ValueKind == JsonValueKind.String && IsVariableName(value.GetString()!))
        {
            return value.GetString();
        }

        context.AddError("Expected a variable name: letters, digits and _, not starting with a digit.");
        return null;
    }

    /// <summary>Parses each member of a JSON object; null (errors reported by <paramref name="parse"/>) unless all parse.</summary>
    public static T[]? ParseMembers<T>(JsonElement value, InputParseContext context, string expected, Func<JsonProperty, T?> parse)
        where T : class
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            context.AddError(expected);
            return null;
        }

        var parsed = new List<T>();
        var all = true;
        foreach (var member in value.EnumerateObject())
        {
            if (parse(member) is { } item)
            {
                parsed.Add(item);
            }
            else
            {
                all = false;
            }
        }

        return all ? parsed.ToArray() : null;
    }
}
