using System.Text.Json;
using System.Text.Json.Nodes;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class SerializationTests
{
    public static TheoryData<string> Samples => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Samples"), "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Export_OfImportedSample_EqualsTheSample(string file)
    {
        var original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", file));

        var exported = FlowJsonWriter.Write(FlowJsonReader.Read(original));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(exported)), exported);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Validate_Sample_HasNoErrors(string file)
    {
        var harness = new FlowHarness();

        var result = harness.Validator.Validate(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", file)));

        Assert.Empty(result.Errors);
        Assert.NotNull(harness.Compiler.Compile(result.Definition!));
    }

    [Fact]
    public void Export_Twice_IsStable()
    {
        var flow = new FlowBuilder("stable") { Concurrency = FlowConcurrency.Parallel }
            .Node("start", "flow.manualTrigger")
            .Node("wait", "flow.wait", new { duration = "PT5M" })
            .Connect("start", "done", "wait")
            .Build();

        var once = FlowJsonWriter.Write(flow);
        var twice = FlowJsonWriter.Write(FlowJsonReader.Read(once));

        Assert.Equal(once, twice);
        Assert.Contains("\"concurrency\": \"parallel\"", once, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnsupportedSchemaVersion_SaysWhere()
    {
        var error = Assert.Throws<FlowFormatException>(() => FlowJsonReader.Read("""{ "schemaVersion": 2, "id": "x", "name": "x", "version": 1, "nodes": [], "connections": [] }"""));

        Assert.Equal("/schemaVersion", error.Path);
    }

    [Fact]
    public void Instance_ThroughSystemTextJson_RoundTrips()
    {
        var instance = new FlowInstance
        {
            Id = "i-1",
            FlowId = "f",
            Version = 2,
            SubjectId = "contact-1",
            TriggerNodeId = "start",
            TriggerEventId = "msg-1",
            Trigger = JsonSerializer.SerializeToElement(new { text = "hi" }),
            Status = FlowStatus.Suspended,
            Variables = System.Collections.Immutable.ImmutableDictionary<string, JsonElement>.Empty.Add("n", JsonSerializer.SerializeToElement(3)),
            Pending = [new WorkItem("send", 4, 2)],
            Bookmarks = [new Bookmark("i-1:5:0", "i-1:5", "i-1", "f", "wait", 4, 1, Activities.BookmarkKind.Timer, "done", DateTimeOffset.UnixEpoch, null, null, DateTimeOffset.UnixEpoch)],
            Sequence = 5,
        };

        var json = JsonSerializer.Serialize(instance, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<FlowInstance>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, JsonSerializerOptions.Web));
        Assert.Equal(instance.Bookmarks[0], back.Bookmarks[0]);
    }
}
