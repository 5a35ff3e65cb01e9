using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Tests.Support;

internal static class TestFacts
{
    /// <summary>Facts from (path, value) pairs: strings, numbers, booleans, string arrays, times.</summary>
    public static IFlowFacts With(params (string Path, object Value)[] facts) =>
        new DictionaryFlowFacts(facts.ToDictionary(f => f.Path, f => f.Value switch
        {
            string text => FactValue.From(text),
            bool flag => FactValue.From(flag),
            string[] list => FactValue.From(list),
            DateTimeOffset time => FactValue.From(time),
            IConvertible number => FactValue.From(number.ToDouble(System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"No fact kind for {f.Value.GetType().Name}."),
        }));
}
