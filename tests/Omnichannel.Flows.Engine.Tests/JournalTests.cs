using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class JournalTests
{
    [Fact]
    public async Task Journal_EveryStep_RecordsTimeNodeTypeResolvedInputsAndPort()
    {
        var harness = new FlowHarness { Facts = TestFacts.With(("contact.first_name", "Ana"), ("contact.tags", new[] { "vip" })) };
        var flow = harness.Publish(new FlowBuilder("journal")
            .Node("start", "flow.manualTrigger")
            .Node("check", "flow.condition", new { condition = new { all = new[] { new { field = "contact.tags", @operator = "contains", value = "vip" } } } })
            .Node("send", "test.send", new { text = "Hi {{ contact.first_name }}" })
            .Node("wait", "flow.wait", new { duration = "PT2H" })
            .Connect("start", "done", "check")
            .Connect("check", "true", "send")
            .Connect("send", "done", "wait")
            .Build());
        var instance = (await harness.StartAsync(flow)).Instance!;
        harness.Clock.Advance(TimeSpan.FromHours(2));
        await harness.FireDueTimersAsync();

        var journal = harness.Store.Journal(instance.Id);

        Assert.Equal(
            [
                ("start", "flow.manualTrigger", JournalOutcome.Continued, "done", false),
                ("check", "flow.condition", JournalOutcome.Continued, "true", false),
                ("send", "test.send", JournalOutcome.Continued, "done", false),
                ("wait", "flow.wait", JournalOutcome.Suspended, null, false),
                ("wait", "flow.wait", JournalOutcome.Continued, "done", true),
            ],
            journal.Select(e => (e.NodeId, e.ActivityType, e.Outcome, e.Port, e.Resumed)));
        Assert.Equal([1L, 2, 3, 4, 5], journal.Select(e => e.Sequence));
        Assert.Equal("true", journal[1].Inputs["condition"]);
        Assert.Equal("Hi Ana", journal[2].Inputs["text"]);
        Assert.Equal("PT2H", journal[3].Inputs["duration"]);
        Assert.Equal(harness.Clock.GetUtcNow().AddHours(-2), journal[3].At);
        Assert.Equal(harness.Clock.GetUtcNow(), journal[4].At);
    }

    [Fact]
    public async Task Journal_FaultedStep_KeepsTheError()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("f").Node("start", "flow.manualTrigger").Node("call", "test.flaky").Connect("start", "done", "call").Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        var step = harness.Store.Journal(instance.Id).Last();
        Assert.Equal((JournalOutcome.Faulted, "call", 1), (step.Outcome, step.NodeId, step.Attempt));
        Assert.Equal("HttpRequestException: provider unavailable", step.Error);
    }

    [Fact]
    public async Task Run_SeveralSteps_AppendsEachAndCommitsOnlyTheLast()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("batch")
            .Node("start", "flow.manualTrigger")
            .Node("a", "test.send", new { text = "a" })
            .Node("b", "test.send", new { text = "b" })
            .Node("wait", "flow.wait", new { duration = "PT1H" })
            .Connect("start", "done", "a")
            .Connect("a", "done", "b")
            .Connect("b", "done", "wait")
            .Build());

        await harness.StartAsync(flow);

        Assert.Equal((3, 1), (harness.Store.Appends, harness.Store.Commits));
    }
}
