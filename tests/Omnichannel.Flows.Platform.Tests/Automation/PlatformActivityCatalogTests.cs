using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Hosting;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Validation;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>
/// The platform's activities as the designer, the validator and hosting see them: the catalog the contract names, and
/// the filters hosting reads from a compiled trigger.
/// </summary>
public sealed class PlatformActivityCatalogTests : IDisposable
{
    private readonly ServiceProvider services;

    public PlatformActivityCatalogTests()
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddFlowEngine().AddAutomationActivities();
        services = collection.BuildServiceProvider();
    }

    public void Dispose() => services.Dispose();

    private ActivityRegistry Registry => services.GetRequiredService<ActivityRegistry>();

    [Fact]
    public void Triggers_AreTheContractsTypes_WithTheirInputs_AndOnePortDone()
    {
        var triggers = Registry.Descriptors.Where(d => d.IsTrigger && d.Type.StartsWith("trigger.", StringComparison.Ordinal))
            .ToDictionary(d => d.Type, d => d.Inputs.Select(i => i.Name).ToArray());

        Assert.Equal(new Dictionary<string, string[]>
        {
            ["trigger.messageReceived"] = ["channels", "keyword", "pattern", "firstMessageOnly"],
            ["trigger.tagAdded"] = ["tag"],
            ["trigger.tagRemoved"] = ["tag"],
            ["trigger.contactCreated"] = [],
            ["trigger.sendFailed"] = ["reason"],
            ["trigger.conversationIdle"] = ["duration", "channels"],
            ["trigger.windowClosing"] = ["channel", "leadTime"],
            ["trigger.windowClosed"] = ["channel"],
        }, triggers);
        Assert.All(Registry.Descriptors.Where(d => d.IsTrigger), d => Assert.Equal([Ports.Done], d.Ports));
    }

    [Fact]
    public void TriggerDefaults_AreTheContracts()
    {
        Assert.Equal("false", Default("trigger.messageReceived", "firstMessageOnly"));
        Assert.Equal("\"any\"", Default("trigger.sendFailed", "reason"));
        Assert.Equal("\"whatsapp\"", Default("trigger.windowClosing", "channel"));
        Assert.Equal("\"PT1H\"", Default("trigger.windowClosing", "leadTime"));
        Assert.Equal("\"whatsapp\"", Default("trigger.windowClosed", "channel"));
        Assert.True(Input("trigger.conversationIdle", "duration").Required);
    }

    [Fact]
    public void Actions_AreInTheCatalog_WithTheirPorts()
    {
        var ports = Registry.Descriptors.Where(d => !d.IsTrigger).ToDictionary(d => d.Type, d => d.Ports);

        Assert.Equal(["sent", "failed"], ports["message.send"]);
        Assert.Equal(["sent", "failed"], ports["whatsapp.sendTemplate"]);
        Assert.Equal(["done", "failed"], ports["flow.start"]);
        foreach (var type in new[] { "contact.addTag", "contact.removeTag", "contact.setField", "conversation.assign", "conversation.note", "conversation.close", "conversation.reopen" })
        {
            Assert.Equal([Ports.Done], ports[type]);
        }
    }

    [Fact]
    public void EveryPlatformActivity_DescribesItselfAndEachInput_ForTheDesigner()
    {
        var platform = Registry.Descriptors.Where(d => d.Type.Split('.')[0] is "trigger" or "message" or "whatsapp" or "contact" or "conversation" || d.Type == "flow.start").ToList();

        Assert.Equal(18, platform.Count);
        Assert.All(platform, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Category), d.Type);
            Assert.False(string.IsNullOrWhiteSpace(d.DisplayName), d.Type);
            Assert.False(string.IsNullOrWhiteSpace(d.Description), d.Type);
            Assert.All(d.Inputs, i => Assert.False(string.IsNullOrWhiteSpace(i.Description), $"{d.Type}.{i.Name}"));
            Assert.All(d.Inputs.Where(i => i.Kind == InputKind.Select), i => Assert.NotEmpty(i.Options!));
        });
        var catalog = JsonSerializer.Serialize(Registry.Descriptors, JsonSerializerOptions.Web);
        Assert.Contains("\"type\":\"message.send\"", catalog, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("any", "whatsapp", "window_closed", true)]
    [InlineData("any", "sms", "30003", true)]
    [InlineData("window_closed", "instagram", "window_closed", true)]
    [InlineData("window_closed", "sms", "21610", false)]
    [InlineData("opted_out", "sms", "21610", true)]
    [InlineData("opted_out", "whatsapp", "131050", true)]
    [InlineData("opted_out", "whatsapp", "21610", false)]
    [InlineData("other", "sms", "30003", true)]
    [InlineData("other", "whatsapp", "window_closed", false)]
    [InlineData("other", "sms", "21610", false)]
    public void SendFailedTrigger_MatchesItsReason_FromTheFailuresCode(string reason, string channel, string code, bool matches)
    {
        ChannelNames.TryParse(channel, out var kind);

        Assert.Equal(matches, SendFailedTriggerActivity.Matches(reason, kind, code));
    }

    [Fact]
    public void TriggerInputs_CompileToTheShapesHostingReads()
    {
        var trigger = CompiledTrigger("trigger.messageReceived",
            """{ "channels": ["WhatsApp", "sms"], "keyword": "refund", "pattern": "order\\s+\\d+" }""");

        Assert.Equal("""["whatsapp","sms"]""", trigger.Input<JsonElement>("channels").GetRawText());
        Assert.Equal("refund", trigger.Input<string>("keyword"));
        Assert.Equal(@"order\s+\d+", trigger.Input<string>("pattern"));
        Assert.False(trigger.Input<bool>("firstMessageOnly"));
        var tag = CompiledTrigger("trigger.tagAdded", """{ "tag": "  VIP " }""");
        Assert.Equal("vip", tag.Input<string>("tag"));
        var idle = CompiledTrigger("trigger.conversationIdle", """{ "duration": "PT24H" }""");
        Assert.Equal(TimeSpan.FromHours(24), idle.Input<TimeSpan>("duration"));
        var closing = CompiledTrigger("trigger.windowClosing", "{}");
        Assert.Equal(("whatsapp", TimeSpan.FromHours(1)), (closing.Input<string>("channel"), closing.Input<TimeSpan>("leadTime")));
    }

    [Fact]
    public void StartFlowEventIds_FitTheStore_AndStayDistinct()
    {
        var longKey = $"{Guid.NewGuid():N}{Guid.NewGuid():N}:{new string('n', 100)}:12345678901234:1";
        var otherLongKey = longKey[..^1] + "2";

        Assert.Equal("flow.start:i:n:1:1", StartFlowActivity.EventIdOf("i:n:1:1"));
        Assert.True(StartFlowActivity.EventIdOf(longKey).Length <= 200);
        Assert.NotEqual(StartFlowActivity.EventIdOf(longKey), StartFlowActivity.EventIdOf(otherLongKey));
    }

    private string Default(string type, string input) => Input(type, input).Default!.Value.GetRawText();

    private InputDescriptor Input(string type, string input) =>
        Registry.Descriptors.Single(d => d.Type == type).Inputs.Single(i => i.Name == input);

    /// <summary>A trigger node with <paramref name="inputs"/>, validated and compiled as hosting indexes it.</summary>
    private CompiledNode CompiledTrigger(string type, string inputs)
    {
        var json = $$"""
            {
              "schemaVersion": 1, "id": "t", "name": "T", "version": 1, "concurrency": "single",
              "nodes": [
                { "id": "trigger", "type": "{{type}}", "inputs": {{inputs}}, "position": { "x": 0, "y": 0 } },
                { "id": "tag", "type": "contact.addTag", "inputs": { "tag": "x" }, "position": { "x": 300, "y": 0 } }
              ],
              "connections": [ { "source": { "node": "trigger", "port": "done" }, "target": { "node": "tag", "port": "in" } } ]
            }
            """;
        var result = services.GetRequiredService<FlowValidator>().Validate(json);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return services.GetRequiredService<FlowCompiler>().Compile(result.Definition!).Find("trigger")!;
    }
}
