using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Hosting;
using Omnichannel.Flows.Engine.Validation;
using Omnichannel.Flows.Platform.Automation.Activities;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>
/// Every activity of the catalog (the engine's and the platform's), each of its inputs given values of every odd kind:
/// validation answers with errors at JSON pointers, never with an exception (which the import would turn into a 500).
/// </summary>
public sealed class ActivityInputFuzzTests : IDisposable
{
    private static readonly string[] OddValues =
    [
        "null", "true", "0", "-1", "1.5", "1e308", "99999999999999999999", "\"\"", "\" \"", "\"x\"", "\"{{\"", "\"{% for %}\"",
        "\"{{ x | nosuchfilter }}\"", "\"PT0S\"", "\"P1Y\"", "\"-PT1H\"", "\"25:00\"", "\"* * * * *\"", "\"nowhere/zone\"", "\"(\"",
        "\"https://\"", "[]", "[1]", "[\"mon\", \"mon\"]", "[null]", "[[]]", "{}", "{\"a\": 1}", "{\"\": null}", "{\"all\": []}",
        "{\"all\": [{\"field\": \"message.text\", \"operator\": \"matches\", \"value\": \"(\"}]}", "{\"any\": [{}]}",
    ];

    private readonly ServiceProvider services;

    public ActivityInputFuzzTests()
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddFlowEngine().AddAutomationActivities();
        services = collection.BuildServiceProvider();
    }

    public void Dispose() => services.Dispose();

    [Fact]
    public void EveryInputOfEveryActivity_GivenOddValues_IsValidatedWithoutAnException()
    {
        var registry = services.GetRequiredService<ActivityRegistry>();
        var validator = services.GetRequiredService<FlowValidator>();
        var crashes = new List<string>();
        foreach (var descriptor in registry.Descriptors)
        {
            foreach (var input in descriptor.Inputs)
            {
                foreach (var value in OddValues)
                {
                    try
                    {
                        var result = validator.Validate(FlowWith(descriptor, new JsonObject { [input.Name] = JsonNode.Parse(value) }));
                        Assert.All(result.Errors, error => Assert.StartsWith("/", error.Path, StringComparison.Ordinal));
                    }
                    catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
                    {
                        crashes.Add($"{descriptor.Type}.{input.Name} = {value}: {exception.GetType().Name}: {exception.Message}");
                    }
                }
            }
        }

        Assert.Empty(crashes);
    }

    /// <summary>A manual start, then the node (or the trigger alone, for a trigger).</summary>
    private static string FlowWith(ActivityDescriptor descriptor, JsonObject inputs)
    {
        var node = new JsonObject { ["id"] = "n", ["type"] = descriptor.Type, ["inputs"] = inputs, ["position"] = Position(1) };
        var nodes = descriptor.IsTrigger
            ? new JsonArray(node)
            : new JsonArray(new JsonObject { ["id"] = "start", ["type"] = "flow.manualTrigger", ["inputs"] = new JsonObject(), ["position"] = Position(0) }, node);
        var connections = descriptor.IsTrigger
            ? new JsonArray()
            : new JsonArray(new JsonObject
            {
                ["source"] = new JsonObject { ["node"] = "start", ["port"] = "done" },
                ["target"] = new JsonObject { ["node"] = "n", ["port"] = "in" },
            });
        return new JsonObject
        {
            ["schemaVersion"] = 1, ["id"] = "fuzz", ["name"] = "Fuzz", ["version"] = 1, ["nodes"] = nodes, ["connections"] = connections,
        }.ToJsonString();

        static JsonObject Position(int x) => new() { ["x"] = x * 200, ["y"] = 0 };
    }
}
