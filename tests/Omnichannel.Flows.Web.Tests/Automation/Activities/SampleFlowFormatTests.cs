using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Web.Tests.Automation.Activities;

/// <summary>Every shipped flow in flows/ validates against the platform's full catalog and survives a JSON round trip.</summary>
public sealed class SampleFlowFormatTests(ActivityAppFactory app) : IClassFixture<ActivityAppFactory>
{
    public static TheoryData<string> Samples() => new(SampleFileNames());

    private static IEnumerable<string> SampleFileNames() =>
        Directory.GetFiles(Path.GetDirectoryName(SampleFlowFiles.PathOf("README.md"))!, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Fact]
    public void TheThreeIssueSamples_AreShipped()
    {
        var shipped = SampleFileNames().ToList();

        Assert.Contains("instagram-idle-sms-reminder.json", shipped);
        Assert.Contains("whatsapp-window-close-utility-template.json", shipped);
        Assert.Contains("tag-based-assignment.json", shipped);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_ValidatesAgainstThePlatformCatalog(string fileName)
    {
        var result = app.Services.GetRequiredService<FlowValidator>().Validate(File.ReadAllText(SampleFlowFiles.PathOf(fileName)));

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), result.Definition!.Id);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_ReadThenWritten_IsTheSameDocument(string fileName)
    {
        var json = File.ReadAllText(SampleFlowFiles.PathOf(fileName));

        var written = FlowJsonWriter.Write(FlowJsonReader.Read(json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void PlatformInputs_AreCheckedByTheValidator_WithTheirPointers()
    {
        var flow = """
            {
              "schemaVersion": 1, "id": "broken", "name": "Broken", "version": 1, "concurrency": "single",
              "nodes": [
                { "id": "in", "type": "trigger.messageReceived", "inputs": { "channels": ["whatsapp", "carrier-pigeon"], "pattern": "(unclosed" }, "position": { "x": 0, "y": 0 } },
                { "id": "closing", "type": "trigger.windowClosing", "inputs": { "channel": "sms", "leadTime": "PT30H" }, "position": { "x": 0, "y": 200 } },
                { "id": "send", "type": "message.send", "inputs": { "text": "hi", "channel": "preferred", "fallbackParameters": ["x"] }, "position": { "x": 300, "y": 0 } },
                { "id": "tag", "type": "contact.addTag", "inputs": { "tag": "  " }, "position": { "x": 600, "y": 0 } },
                { "id": "assign", "type": "conversation.assign", "inputs": { "assignTo": "roundRobin" }, "position": { "x": 900, "y": 0 } },
                { "id": "fax", "type": "message.send", "inputs": { "text": "hi", "channel": "fax" }, "position": { "x": 1200, "y": 0 } }
              ],
              "connections": [
                { "source": { "node": "in", "port": "done" }, "target": { "node": "send", "port": "in" } },
                { "source": { "node": "closing", "port": "done" }, "target": { "node": "send", "port": "in" } },
                { "source": { "node": "send", "port": "sent" }, "target": { "node": "tag", "port": "in" } },
                { "source": { "node": "tag", "port": "done" }, "target": { "node": "assign", "port": "in" } },
                { "source": { "node": "assign", "port": "done" }, "target": { "node": "fax", "port": "in" } }
              ]
            }
            """;

        var paths = app.Services.GetRequiredService<FlowValidator>().Validate(flow).Errors.Select(e => e.Path).ToList();

        Assert.Contains("/nodes/0/inputs/channels/1", paths);
        Assert.Contains("/nodes/0/inputs/pattern", paths);
        Assert.Contains("/nodes/1/inputs/channel", paths);
        Assert.Contains("/nodes/2/inputs/fallbackParameters", paths);
        Assert.Contains("/nodes/3/inputs/tag", paths);
        Assert.Contains("/nodes/4/inputs/team", paths);
        Assert.Contains("/nodes/5/inputs/channel", paths);
    }

    [Fact]
    public void LeadTime_AsLongAsTheWindow_IsRefused()
    {
        var flow = """
            {
              "schemaVersion": 1, "id": "late", "name": "Late", "version": 1, "concurrency": "single",
              "nodes": [
                { "id": "closing", "type": "trigger.windowClosing", "inputs": { "leadTime": "PT24H" }, "position": { "x": 0, "y": 0 } },
                { "id": "tag", "type": "contact.addTag", "inputs": { "tag": "late" }, "position": { "x": 300, "y": 0 } }
              ],
              "connections": [ { "source": { "node": "closing", "port": "done" }, "target": { "node": "tag", "port": "in" } } ]
            }
            """;

        var error = Assert.Single(app.Services.GetRequiredService<FlowValidator>().Validate(flow).Errors);

        Assert.Equal("/nodes/0/inputs/leadTime", error.Path);
        Assert.Contains("24 h", error.Message, StringComparison.Ordinal);
    }
}
