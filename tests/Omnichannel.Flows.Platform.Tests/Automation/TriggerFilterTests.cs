using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Expressions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Platform.Automation.Dispatch;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>Which events a trigger node's inputs let through (CONTRACT.md's trigger inputs).</summary>
public sealed class TriggerFilterTests
{
    [Theory]
    [InlineData("What is the PRICE?", true)]
    [InlineData("price", true)]
    [InlineData("the prices are too high", false)]
    [InlineData("", false)]
    public void Keyword_MatchesAWholeWordIgnoringCase(string text, bool matches) =>
        Assert.Equal(matches, Filter("""{ "keyword": "price" }""").Matches(Message(text)));

    [Fact]
    public void Channels_LimitWhichChannelsStartTheFlow()
    {
        var filter = Filter("""{ "channels": ["whatsapp", "sms"] }""");

        Assert.True(filter.Matches(Message("hi", channel: "sms")));
        Assert.False(filter.Matches(Message("hi", channel: "telegram")));
    }

    [Fact]
    public void FirstMessageOnly_LetsOnlyTheContactsFirstMessageThrough()
    {
        var filter = Filter("""{ "firstMessageOnly": true }""");

        Assert.True(filter.Matches(Message("hi", first: true)));
        Assert.False(filter.Matches(Message("hi again", first: false)));
    }

    [Fact]
    public void Pattern_IsARegexOverTheText_AndKeywordAndPatternMustBothMatch()
    {
        var filter = Filter("""{ "pattern": "order\\s+#?\\d{5}", "keyword": "where" }""");

        Assert.True(filter.Matches(Message("Where is order #12345?")));
        Assert.False(filter.Matches(Message("Where is my order?")));
        Assert.False(filter.Matches(Message("order 12345 arrived")));
    }

    [Fact]
    public void Tag_ComparesAsTagsAreStored()
    {
        var filter = new TagFilter(" VIP ");

        Assert.True(filter.Matches(Payload(new { tag = "vip" })));
        Assert.False(filter.Matches(Payload(new { tag = "vip-2" })));
        Assert.True(new TagFilter(null).Matches(Payload(new { tag = "anything" })));
    }

    [Theory]
    [InlineData("any", "window_closed", true)]
    [InlineData("window_closed", "window_closed", true)]
    [InlineData("window_closed", "opted_out", false)]
    [InlineData("other", "131026", true)]
    [InlineData("other", "opted_out", false)]
    [InlineData("opted_out", "131050", true)]
    [InlineData("other", "131050", false)]
    public void SendFailed_Reason_SelectsByCode(string reason, string code, bool matches) =>
        Assert.Equal(matches, new SendFailedFilter(reason).Matches(Payload(new { channel = "whatsapp", code })));

    [Fact]
    public void SendFailed_ProviderOptOutCodes_CountAsOptedOutOnTheirChannelOnly()
    {
        var optedOut = new SendFailedFilter("opted_out");

        Assert.True(optedOut.Matches(Payload(new { channel = "sms", code = "21610" })));
        Assert.False(optedOut.Matches(Payload(new { channel = "whatsapp", code = "21610" })));
    }

    private static TriggerFilter Filter(string inputs)
    {
        var registry = new ActivityRegistry([new MessageTrigger()]);
        var compiler = new FlowCompiler(registry, new LiquidTemplates(TimeProvider.System));
        var flow = compiler.Compile(FlowJsonReader.Read($$"""
            { "schemaVersion": 1, "id": "f", "name": "f", "version": 1, "concurrency": "single",
              "nodes": [ { "id": "start", "type": "trigger.messageReceived", "inputs": {{inputs}}, "position": { "x": 0, "y": 0 } } ],
              "connections": [] }
            """));
        return TriggerFilter.For(flow.Triggers[0]);
    }

    private static JsonElement? Message(string text, string channel = "whatsapp", bool first = false) =>
        Payload(new { messageId = Guid.NewGuid(), channel, text, kind = "text", sentAt = DateTime.UtcNow, firstMessage = first });

    private static JsonElement? Payload(object value) => JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web);

    /// <summary>The contract's trigger.messageReceived inputs (the activities branch owns the real one).</summary>
    private sealed class MessageTrigger : IActivity
    {
        public ActivityDescriptor Descriptor { get; } = new("trigger.messageReceived", "Triggers", "Message received", "",
            [
                new InputDescriptor("channels", InputKind.Json, "Channels", ""),
                new InputDescriptor("keyword", InputKind.Text, "Keyword", ""),
                new InputDescriptor("pattern", InputKind.Text, "Pattern", ""),
                new InputDescriptor("firstMessageOnly", InputKind.Boolean, "First message only", ""),
            ],
            [Ports.Done]) { IsTrigger = true };

        public ValueTask<ActivityOutcome> ExecuteAsync(StepContext context) => ValueTask.FromResult(ActivityOutcome.Done);
    }
}
