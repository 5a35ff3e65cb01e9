using System.Text.RegularExpressions;

namespace Omnichannel.Flows.Engine.Expressions;

/// <summary>
/// What each operator means. Text compares ignoring case. A missing fact matches only the negative operators
/// (<c>notEquals</c>, <c>notContains</c>, <c>notIn</c>, <c>notExists</c>). On a list (<c>contact.tags</c>),
/// <c>contains</c> asks for an element, <c>in</c>/<c>matches</c> for any element.
/// </summary>
internal static class ConditionOperators
{
    private static readonly StringComparison IgnoreCase = StringComparison.OrdinalIgnoreCase;

    public static bool Apply(ConditionOperator op, FactValue fact, ConditionValue value) => op switch
    {
        ConditionOperator.Equals => AreEqual(fact, value),
        ConditionOperator.NotEquals => !AreEqual(fact, value),
        ConditionOperator.Contains => Contains(fact, value),
        ConditionOperator.NotContains => !Contains(fact, value),
        ConditionOperator.StartsWith => fact.Kind == FactKind.Text && fact.Text.StartsWith(value.Text!, IgnoreCase),
        ConditionOperator.EndsWith => fact.Kind == FactKind.Text && fact.Text.EndsWith(value.Text!, IgnoreCase),
        ConditionOperator.Matches => Matches(fact, value.Pattern!),
        ConditionOperator.In => IsIn(fact, value.List!),
        ConditionOperator.NotIn => !IsIn(fact, value.List!),
        ConditionOperator.Exists => !fact.IsEmpty,
        ConditionOperator.NotExists => fact.IsEmpty,
        ConditionOperator.GreaterThan => Compare(fact, value) is > 0,
        ConditionOperator.LessThan => Compare(fact, value) is < 0,
        ConditionOperator.IsTrue => fact.TryGetBoolean(out var isTrue) && isTrue,
        ConditionOperator.IsFalse => fact.TryGetBoolean(out var isFalse) && !isFalse,
        _ => false,
    };

    private static bool AreEqual(FactValue fact, ConditionValue value)
    {
        if (value.Number is { } number && fact.TryGetNumber(out var factNumber))
        {
            return factNumber.Equals(number);
        }

        if (value.Boolean is { } boolean && fact.TryGetBoolean(out var factBoolean))
        {
            return factBoolean == boolean;
        }

        return fact.Kind switch
        {
            FactKind.Text => value.Text is not null && fact.Text.Equals(value.Text, IgnoreCase),
            FactKind.Time => value.Time is { } time && fact.Time == time,
            FactKind.List => value.List is { } list && SameItems(fact.List, list),
            _ => false,
        };
    }

    private static bool Contains(FactValue fact, ConditionValue value) => fact.Kind switch
    {
        FactKind.Text => fact.Text.Contains(value.Text!, IgnoreCase),
        FactKind.List => IndexOf(fact.List, value.Text!) >= 0,
        _ => false,
    };

    private static bool Matches(FactValue fact, Regex pattern)
    {
        try
        {
            if (fact.Kind == FactKind.List)
            {
                foreach (var item in fact.List)
                {
                    if (pattern.IsMatch(item))
                    {
                        return true;
                    }
                }

                return false;
            }

            return fact.Kind is not FactKind.None && pattern.IsMatch(fact.ToString());
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static bool IsIn(FactValue fact, string[] list)
    {
        switch (fact.Kind)
        {
            case FactKind.None:
                return false;
            case FactKind.List:
                foreach (var item in fact.List)
                {
                    if (IndexOf(list, item) >= 0)
                    {
                        return true;
                    }
                }

                return false;
            default:
                return IndexOf(list, fact.ToString()) >= 0;
        }
    }

    private static int? Compare(FactValue fact, ConditionValue value)
    {
        if (value.Number is { } number && fact.TryGetNumber(out var factNumber))
        {
            return factNumber.CompareTo(number);
        }

        if (value.Time is { } time && fact.TryGetTime(out var factTime))
        {
            return factTime.CompareTo(time);
        }

        return null;
    }

    private static bool SameItems(IReadOnlyList<string> items, string[] expected)
    {
        if (items.Count != expected.Length)
        {
            return false;
        }

        foreach (var item in items)
        {
            if (IndexOf(expected, item) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexOf(IReadOnlyList<string> items, string text)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Equals(text, IgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
