using System.Text.Json;
using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Serialization;

/// <summary>The spellings the JSON format uses for enums and value kinds.</summary>
internal static class FlowJsonNames
{
    public static string Of(FlowConcurrency concurrency) => concurrency switch
    {
        FlowConcurrency.Restart => "restart",
        FlowConcurrency.Parallel => "parallel",
        _ => "single",
    };

    public static bool TryParseConcurrency(string text, out FlowConcurrency concurrency)
    {
        concurrency = text switch
        {
            "single" => FlowConcurrency.Single,
            "restart" => FlowConcurrency.Restart,
            "parallel" => FlowConcurrency.Parallel,
            _ => (FlowConcurrency)(-1),
        };
        return concurrency >= 0;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
