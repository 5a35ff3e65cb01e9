using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// Reads a structured condition — a group <c>{ "all": [...] }</c> / <c>{ "any": [...] }</c> of comparisons
/// <c>{ "field": "contact.tags", "operator": "contains", "value": "vip" }</c> and nested groups — reporting every
/// problem with its JSON pointer. Conditions are data, never code; regular expressions run with a timeout.
/// </summary>
public static class ConditionParser
{
    /// <summary>How long one regular expression match may take before it counts as no match.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly FrozenDictionary<string, ConditionOperator> Operators = Enum.GetValues<ConditionOperator>()
        .ToFrozenDictionary(op => JsonNamingPolicy.CamelCase.ConvertName(op.ToString()), StringComparer.Ordinal);

    /// <summary>Parses <paramref name="json"/>; null (with errors added) when it is malformed.</summary>
    public static Condition? Parse(JsonElement json, string pointer, ICollection<FlowValidationError> errors)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(pointer, "A condition is an object: { \"all\": [...] }, { \"any\": [...] } or { \"field\", \"operator\", \"value\" }."));
            return null;
        }

        var isAll = json.TryGetProperty("all", out var all);
        var isAny = json.TryGetProperty("any", out var any);
        if (isAll || isAny)
        {
            if (isAll && isAny)
            {
                errors.Add(new(pointer, "A group has either \"all\" or \"any\", not both."));
                return null;
            }

            return ParseGroup(isAll ? all : any, isAll, $"{pointer}/{(isAll ? "all" : "any")}", errors);
        }

        return ParseComparison(json, pointer, errors);
    }

    private static Condition? ParseGroup(JsonElement items, bool isAll, string pointer, ICollection<FlowValidationError> errors)
    {
        if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            errors.Add(new(pointer, "A group needs a non-empty array of conditions."));
            return null;
        }

        var parts = new Condition?[items.GetArrayLength()];
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            parts[index] = Parse(item, $"{pointer}/{index}", errors);
            index++;
        }

        if (Array.IndexOf(parts, null) >= 0)
        {
            return null;
        }

        return isAll ? new AllCondition(parts!) : new AnyCondition(parts!);
    }

    private static FieldCondition? ParseComparison(JsonElement json, string pointer, ICollection<FlowValidationError> errors)
    {
        var before = errors.Count;
        foreach (var member in json.EnumerateObject())
        {
            if (member.Name is not ("field" or "operator" or "value"))
            {
                errors.Add(new($"{pointer}/{Serialization.JsonPointers.Escape(member.Name)}", $"Unknown member '{member.Name}': a comparison has \"field\", \"operator\" and \"value\"."));
            }
        }

        string? field = null;
        if (!json.TryGetProperty("field", out var fieldJson) || fieldJson.ValueKind != JsonValueKind.String || (field = fieldJson.GetString()!).Length == 0)
        {
            errors.Add(new($"{pointer}/field", "A comparison needs a \"field\" such as \"contact.tags\" or \"message.text\"."));
        }

        ConditionOperator op = default;
        if (!json.TryGetProperty("operator", out var opJson) || opJson.ValueKind != JsonValueKind.String || !Operators.TryGetValue(opJson.GetString()!, out op))
        {
            errors.Add(new($"{pointer}/operator", $"Unknown operator; use one of {string.Join(", ", Operators.Keys)}."));
            return null;
        }

        var hasValue = json.TryGetProperty("value", out var valueJson);
        var value = ParseValue(op, hasValue ? valueJson : null, $"{pointer}/value", errors);
        return errors.Count == before && value is not null ? new FieldCondition(field!, op, value) : null;
    }

    private static ConditionValue? ParseValue(ConditionOperator op, JsonElement? json, string pointer, ICollection<FlowValidationError> errors)
    {
        switch (op)
        {
            case ConditionOperator.Exists or ConditionOperator.NotExists or ConditionOperator.IsTrue or ConditionOperator.IsFalse:
                if (json is not null)
                {
                    errors.Add(new(pointer, $"'{Name(op)}' takes no value."));
                    return null;
                }

                return new ConditionValue(null, null, null, null, null, null);
            case ConditionOperator.In or ConditionOperator.NotIn:
                if (json is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0 || !array.EnumerateArray().All(IsScalar))
                {
                    errors.Add(new(pointer, $"'{Name(op)}' needs a non-empty array of texts or numbers."));
                    return null;
                }

                return new ConditionValue(null, null, null, null, array.EnumerateArray().Select(ScalarText).ToArray(), null);
            case ConditionOperator.Equals or ConditionOperator.NotEquals:
                if (json is not { } scalar || !IsScalar(scalar))
                {
                    errors.Add(new(pointer, $"'{Name(op)}' needs a text, number or boolean value."));
                    return null;
                }

                return Scalar(scalar);
            case ConditionOperator.GreaterThan or ConditionOperator.LessThan:
                var bound = json is { } b && IsScalar(b) ? Scalar(b) : null;
                if (bound is not { Number: not null } and not { Time: not null })
                {
                    errors.Add(new(pointer, $"'{Name(op)}' needs a number or an ISO 8601 date-time."));
                    return null;
                }

                return bound;
            default:
                if (json is not { ValueKind: JsonValueKind.String } text || text.GetString()!.Length == 0)
                {
                    errors.Add(new(pointer, $"'{Name(op)}' needs a non-empty text value."));
                    return null;
                }

                return op == ConditionOperator.Matches ? Pattern(text.GetString()!, pointer, errors) : Scalar(text);
        }
    }

    private static ConditionValue? Pattern(string pattern, string pointer, ICollection<FlowValidationError> errors)
    {
        try
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
            return new ConditionValue(pattern, null, null, null, null, regex);
        }
        catch (ArgumentException exception)
        {
            errors.Add(new(pointer, $"Not a valid regular expression: {exception.Message}"));
            return null;
        }
    }

    private static ConditionValue Scalar(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number => new ConditionValue(ScalarText(json), json.GetDouble(), null, null, null, null),
        JsonValueKind.True or JsonValueKind.False => new ConditionValue(ScalarText(json), null, json.GetBoolean(), null, null, null),
        _ => new ConditionValue(json.GetString(), null, null, ParseTime(json.GetString()!), null, null),
    };

    private static DateTimeOffset? ParseTime(string text) =>
        text.Length >= 10 && text[4] == '-' && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static bool IsScalar(JsonElement json) => json.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static string ScalarText(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => json.GetRawText(),
    };

    private static string Name(ConditionOperator op) => JsonNamingPolicy.CamelCase.ConvertName(op.ToString());
}
