using System.Text.RegularExpressions;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// A compiled condition: <c>{ "all" | "any": [ { "field", "operator", "value" } | group ] }</c>. Built once per
/// definition version by <see cref="ConditionParser"/>; evaluating it allocates nothing.
/// </summary>
public abstract class Condition
{
    public abstract bool Evaluate(IFlowFacts facts);
}

/// <summary>The operators a field comparison may use (camelCase in JSON).</summary>
public enum ConditionOperator
{
    Equals,
    NotEquals,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Matches,
    In,
    NotIn,
    Exists,
    NotExists,
    GreaterThan,
    LessThan,
    IsTrue,
    IsFalse,
}

internal sealed class AllCondition(Condition[] parts) : Condition
{
    public override bool Evaluate(IFlowFacts facts)
    {
        foreach (var part in parts)
        {
            if (!part.Evaluate(facts))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class AnyCondition(Condition[] parts) : Condition
{
    public override bool Evaluate(IFlowFacts facts)
    {
        foreach (var part in parts)
        {
            if (part.Evaluate(facts))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The literal a field is compared with, parsed once into every form the operators need.</summary>
internal sealed record ConditionValue(string? Text, double? Number, bool? Boolean, DateTimeOffset? Time, string[]? List, Regex? Pattern);

internal sealed class FieldCondition(string field, ConditionOperator op, ConditionValue value) : Condition
{
    public override bool Evaluate(IFlowFacts facts)
    {
        if (!facts.TryGetValue(field, out var fact))
        {
            fact = FactValue.None;
        }

        return ConditionOperators.Apply(op, fact, value);
    }
}
