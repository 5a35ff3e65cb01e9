using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class ValidationTests
{
    private readonly FlowHarness harness = new();

    private const string Broken = """
        {
          "schemaVersion": 1, "id": "broken", "name": "Broken", "version": 1, "colour": "red",
          "nodes": [
            { "id": "start", "type": "flow.manualTrigger", "inputs": {}, "position": { "x": 0, "y": 0 } },
            { "id": "mystery", "type": "acme.teleport", "inputs": {}, "position": { "x": 1, "y": 0 } },
            { "id": "wait", "type": "flow.wait", "inputs": { "duration": "24 hours" }, "position": { "x": 2, "y": 0 } },
            { "id": "send", "type": "test.send", "inputs": { "chanel": "sms" }, "position": { "x": 3, "y": 0 } },
            { "id": "check", "type": "flow.condition", "inputs": { "condition": { "all": [ { "field": "contact.tags", "operator": "includes", "value": "vip" } ] } }, "position": { "x": 4, "y": 0 } },
            { "id": "route", "type": "flow.switch", "inputs": { "value": "{{ contact.fields.plan }}", "cases": [ { "name": "gold", "value": "gold" } ] }, "position": { "x": 5, "y": 0 } },
            { "id": "island", "type": "flow.end", "inputs": {}, "position": { "x": 6, "y": 0 } },
            { "id": "wait", "type": "flow.end", "inputs": {}, "position": { "x": 7, "y": 0 } }
          ],
          "connections": [
            { "source": { "node": "start", "port": "done" }, "target": { "node": "mystery", "port": "in" } },
            { "source": { "node": "start", "port": "done" }, "target": { "node": "wait", "port": "in" } },
            { "source": { "node": "start", "port": "done" }, "target": { "node": "send", "port": "in" } },
            { "source": { "node": "start", "port": "done" }, "target": { "node": "check", "port": "in" } },
            { "source": { "node": "check", "port": "true" }, "target": { "node": "route", "port": "in" } },
            { "source": { "node": "route", "port": "silver" }, "target": { "node": "send", "port": "in" } },
            { "source": { "node": "route", "port": "gold" }, "target": { "node": "ghost", "port": "in" } },
            { "source": { "node": "wait", "port": "later" }, "target": { "node": "start", "port": "in" } }
          ]
        }
        """;

    [Fact]
    public void Validate_BrokenFlow_ReportsEveryErrorAtOnceWithItsPointer()
    {
        var result = harness.Validator.Validate(Broken);

        Assert.False(result.IsValid);
        Assert.Equal(
        [
            "/colour",
            "/nodes/1/type",
            "/nodes/2/inputs/duration",
            "/nodes/3/inputs/chanel",
            "/nodes/3/inputs/text",
            "/nodes/4/inputs/condition/all/0/operator",
            "/nodes/7/id",
            "/connections/5/source/port",
            "/connections/6/target/node",
            "/connections/7/source/port",
            "/connections/7/target/port",
            "/nodes/6",
            "/nodes/7",
        ], result.Errors.Select(e => e.Path));
        Assert.Null(result.Definition);
    }

    [Fact]
    public void Validate_BrokenFlow_NamesTheNodeOfEachErrorInsideOne_AndNoneForTheRest()
    {
        var errors = harness.Validator.Validate(Broken).Errors;

        Assert.Equal(
        [
            ("/colour", null),
            ("/nodes/1/type", "mystery"),
            ("/nodes/2/inputs/duration", "wait"),
            ("/nodes/3/inputs/chanel", "send"),
            ("/nodes/3/inputs/text", "send"),
            ("/nodes/4/inputs/condition/all/0/operator", "check"),
            ("/nodes/7/id", "wait"),
            ("/connections/5/source/port", null),
            ("/connections/6/target/node", null),
            ("/connections/7/source/port", null),
            ("/connections/7/target/port", null),
            ("/nodes/6", "island"),
            ("/nodes/7", "wait"),
        ], errors.Select(e => (e.Path, e.Node)));
    }

    [Theory]
    [InlineData("""{ "id": 7, "type": "flow.end" }""")]
    [InlineData("""[ "not a node" ]""")]
    public void Validate_ANodeWithoutATextId_NamesNoNode(string node)
    {
        var json = $$"""
            { "schemaVersion": 1, "id": "odd", "name": "Odd", "version": 1,
              "nodes": [ { "id": "start", "type": "flow.manualTrigger", "inputs": {}, "position": { "x": 0, "y": 0 } }, {{node}} ],
              "connections": [] }
            """;

        var errors = harness.Validator.Validate(json).Errors;

        Assert.Contains(errors, e => e.Path.StartsWith("/nodes/1", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Null(e.Node));
    }

    [Theory]
    [InlineData("/nodes/1/type", "Unknown activity type 'acme.teleport'")]
    [InlineData("/nodes/2/inputs/duration", "not an ISO 8601 duration")]
    [InlineData("/nodes/3/inputs/text", "Required input 'text' is missing")]
    [InlineData("/nodes/3/inputs/chanel", "has no input 'chanel'")]
    [InlineData("/nodes/4/inputs/condition/all/0/operator", "Unknown operator")]
    [InlineData("/nodes/7/id", "already used by /nodes/2")]
    [InlineData("/connections/5/source/port", "has no port 'silver' (its ports: gold, default)")]
    [InlineData("/connections/6/target/node", "No node 'ghost'")]
    [InlineData("/connections/7/target/port", "is a trigger")]
    [InlineData("/nodes/6", "not reachable from any trigger")]
    [InlineData("/colour", "Unknown member")]
    public void Validate_BrokenFlow_ExplainsEachError(string path, string message)
    {
        var errors = harness.Validator.Validate(Broken).Errors;

        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoTrigger_SaysSo()
    {
        var result = harness.Validator.Validate("""
            { "schemaVersion": 1, "id": "t", "name": "t", "version": 1,
              "nodes": [ { "id": "a", "type": "flow.end", "inputs": {}, "position": { "x": 0, "y": 0 } } ], "connections": [] }
            """);

        Assert.Equal([new FlowValidationError("/nodes", "The flow has no trigger: add one (e.g. 'message received', manual or schedule) to start it.")], result.Errors);
    }

    [Fact]
    public void Validate_BusinessDaysNamedTwice_IsRefusedAtTheRepeat()
    {
        var result = AfterAManualStart(harness.Validator, "flow.waitUntil", """{ "until": "businessHours", "days": ["mon", "tue", "MON"] }""");

        Assert.Equal([new FlowValidationError("/nodes/1/inputs/days/2", "'mon' is already in the list.") { Node = "n" }], result.Errors);
    }

    [Fact]
    public void Validate_AnInputItsParserRefusesWithoutSayingWhy_IsStillAnError_NotACrash()
    {
        var result = AfterAManualStart(ValidatorWith(new SilentlyRefusingActivity()), "test.silent", """{ "value": 1 }""");

        Assert.Equal([new FlowValidationError("/nodes/1/inputs/value", "Not a valid value for 'value'.") { Node = "n" }], result.Errors);
    }

    [Fact]
    public void Validate_ANodeWhosePreparationThrows_IsAnErrorAtTheNode_NotACrash()
    {
        var result = AfterAManualStart(ValidatorWith(new ThrowingPreparationActivity()), "test.throwing", """{}""");

        Assert.Equal([new FlowValidationError("/nodes/1", "'test.throwing' cannot use these inputs: a bug in the activity") { Node = "n" }], result.Errors);
    }

    /// <summary>A validator whose catalog is the manual start and <paramref name="activity"/>.</summary>
    private static FlowValidator ValidatorWith(IActivity activity) =>
        new(new FlowSchema(), new FlowCompiler(new ActivityRegistry([new ManualTriggerActivity(), activity]), new LiquidTemplates(TimeProvider.System)));

    /// <summary>Validates a flow of a manual start and one node (<c>/nodes/1</c>) of <paramref name="type"/> with <paramref name="inputs"/>.</summary>
    private static FlowValidationResult AfterAManualStart(FlowValidator validator, string type, string inputs) => validator.Validate($$"""
        { "schemaVersion": 1, "id": "t", "name": "t", "version": 1,
          "nodes": [ { "id": "start", "type": "flow.manualTrigger", "inputs": {}, "position": { "x": 0, "y": 0 } },
                     { "id": "n", "type": "{{type}}", "inputs": {{inputs}}, "position": { "x": 1, "y": 0 } } ],
          "connections": [ { "source": { "node": "start", "port": "done" }, "target": { "node": "n", "port": "in" } } ] }
        """);

    private sealed class ThrowingPreparationActivity : IActivity
    {
        public ActivityDescriptor Descriptor { get; } = new("test.throwing", "Test", "Throwing", "Cannot prepare.", [], [Ports.Done]);

        public object? Prepare(NodeInputs inputs) => throw new InvalidOperationException("a bug in the activity");

        public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
    }

    /// <summary>An activity whose input parser refuses every value without adding an error, and whose preparation reads the input.</summary>
    private sealed class SilentlyRefusingActivity : IActivity
    {
        public ActivityDescriptor Descriptor { get; } = new("test.silent", "Test", "Silent", "Refuses its input without a word.",
            [new("value", InputKind.Json, "Value", "Anything.") { Parser = (_, _) => null }], [Ports.Done]);

        public object? Prepare(NodeInputs inputs) => inputs.Get<System.Text.Json.JsonElement>("value");

        public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
    }

    [Fact]
    public void Validate_MoreThan500Nodes_IsRefusedAtNodes()
    {
        var nodes = string.Join(",", Enumerable.Range(0, 501).Select(i =>
            $$"""{ "id": "n{{i}}", "type": "{{(i == 0 ? "flow.manualTrigger" : "flow.end")}}", "inputs": {}, "position": { "x": {{i}}, "y": 0 } }"""));
        var connections = string.Join(",", Enumerable.Range(1, 500).Select(i =>
            $$"""{ "source": { "node": "n0", "port": "done" }, "target": { "node": "n{{i}}", "port": "in" } }"""));

        var result = harness.Validator.Validate($$"""
            { "schemaVersion": 1, "id": "t", "name": "t", "version": 1, "nodes": [{{nodes}}], "connections": [{{connections}}] }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal("/nodes", error.Path);
    }

    [Fact]
    public void Validate_MissingMembersAndWrongKinds_ReportsEachAtItsPointer()
    {
        var result = harness.Validator.Validate("""
            { "schemaVersion": 1, "id": "t", "version": "one",
              "nodes": [ { "id": "a", "type": "flow.manualTrigger", "position": { "x": "left", "y": 0 } } ], "connections": [] }
            """);

        Assert.Contains(result.Errors, e => e.Path == "/name" && e.Message == "'name' is required.");
        Assert.Contains(result.Errors, e => e.Path == "/version");
        Assert.Contains(result.Errors, e => e.Path == "/nodes/0/inputs" && e.Message == "'inputs' is required.");
        Assert.Contains(result.Errors, e => e.Path == "/nodes/0/position/x");
    }

    [Fact]
    public void Validate_NotJson_ReportsTheDocument()
    {
        var error = Assert.Single(harness.Validator.Validate("{ nodes: ").Errors);

        Assert.Equal("", error.Path);
    }

    [Theory]
    [InlineData("flow.wait", """{ "duration": "P1M" }""", "/nodes/1/inputs/duration", "months")]
    [InlineData("flow.wait", """{ "duration": "PT0S" }""", "/nodes/1/inputs/duration", "longer than zero")]
    [InlineData("flow.waitUntil", """{ "until": "timeOfDay" }""", "/nodes/1/inputs/time", "needs the time")]
    [InlineData("flow.waitUntil", """{ "time": "25:00" }""", "/nodes/1/inputs/time", "time of day")]
    [InlineData("flow.waitUntil", """{ "time": "09:00", "timeZone": "Mars/Olympus" }""", "/nodes/1/inputs/timeZone", "time zone")]
    [InlineData("flow.waitUntil", """{ "until": "businessHours", "days": ["mon", "someday"] }""", "/nodes/1/inputs/days/1", "a day")]
    [InlineData("flow.waitUntil", """{ "until": "sometimes", "time": "09:00" }""", "/nodes/1/inputs/until", "Expected one of")]
    [InlineData("flow.switch", """{ "cases": [ { "name": "a", "value": "x" } ] }""", "/nodes/1/inputs/value", "need the switch's 'value'")]
    [InlineData("flow.switch", """{ "value": "x", "cases": [ { "name": "default", "value": "x" } ] }""", "/nodes/1/inputs/cases/0/name", "'default'")]
    [InlineData("flow.switch", """{ "value": "x", "cases": [ { "name": "a" } ] }""", "/nodes/1/inputs/cases/0", "either a \"condition\" or a \"value\"")]
    [InlineData("flow.switch", """{ "cases": [ { "name": "a", "condition": { "any": [] } } ] }""", "/nodes/1/inputs/cases/0/condition/any", "non-empty")]
    [InlineData("flow.setVariable", """{ "name": "2fast", "value": "x" }""", "/nodes/1/inputs/name", "variable name")]
    [InlineData("test.send", """{ "text": "Hi {{ contact.first_name " }""", "/nodes/1/inputs/text", "Liquid does not parse")]
    [InlineData("test.send", """{ "text": "{% exec 'rm -rf' %}" }""", "/nodes/1/inputs/text", "Liquid does not parse")]
    [InlineData("flow.httpRequest", """{ "url": "https://x.test", "headers": { "Bad Name": "v" } }""", "/nodes/1/inputs/headers/Bad Name", "header name")]
    [InlineData("flow.httpRequest", """{ "url": "https://x.test", "responseMapping": { "id": "data.id" } }""", "/nodes/1/inputs/responseMapping/id", "JSON pointer")]
    [InlineData("flow.scheduleTrigger", """{ "cron": "every day" }""", "/nodes/0/inputs/cron", "cron")]
    public void Validate_MalformedInput_PointsAtIt(string type, string inputs, string path, string message)
    {
        var trigger = type == "flow.scheduleTrigger"
            ? $$"""{ "id": "start", "type": "flow.scheduleTrigger", "inputs": {{inputs}}, "position": { "x": 0, "y": 0 } }"""
            : """{ "id": "start", "type": "flow.manualTrigger", "inputs": {}, "position": { "x": 0, "y": 0 } }""";
        var node = type == "flow.scheduleTrigger" ? "" : $$""", { "id": "n", "type": "{{type}}", "inputs": {{inputs}}, "position": { "x": 1, "y": 0 } }""";
        var connection = node.Length == 0 ? "" : """{ "source": { "node": "start", "port": "done" }, "target": { "node": "n", "port": "in" } }""";

        var result = harness.Validator.Validate($$"""
            { "schemaVersion": 1, "id": "t", "name": "t", "version": 1, "nodes": [ {{trigger}}{{node}} ], "connections": [ {{connection}} ] }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_InvalidDefinition_ThrowsWithEveryError()
    {
        var flow = new FlowBuilder("bad").Node("a", "flow.wait", new { duration = "soon" }).Build();

        var error = Assert.Throws<Running.InvalidFlowException>(() => harness.Compiler.Compile(flow));

        Assert.Equal(["/nodes/0/inputs/duration", "/nodes", ], error.Errors.Select(e => e.Path));
    }
}
