using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class StartTests
{
    private static FlowBuilder Waiting(FlowConcurrency concurrency, bool triggerOnAutomation = false) =>
        new FlowBuilder("waiting") { Concurrency = concurrency, TriggerOnAutomation = triggerOnAutomation }
            .Node("start", "test.messageReceived")
            .Node("wait", "flow.wait", new { duration = "PT1H" })
            .Connect("start", "done", "wait");

    [Fact]
    public async Task Start_SameEventIdTwice_StartsOnce()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Parallel).Build());

        var first = await harness.StartAsync(flow, eventId: "msg-1");
        var second = await harness.StartAsync(flow, eventId: "msg-1");

        Assert.Equal(StartOutcome.Started, first.Outcome);
        Assert.Equal(StartOutcome.DuplicateEvent, second.Outcome);
        Assert.Single(harness.Store.Instances());
    }

    [Fact]
    public async Task Start_SameEventIdForAnotherFlow_StartsBoth()
    {
        var harness = new FlowHarness();
        var one = harness.Publish(Waiting(FlowConcurrency.Parallel).Build());
        var other = harness.Publish(new FlowBuilder("other").Node("start", "test.messageReceived").Build());

        Assert.Equal(StartOutcome.Started, (await harness.StartAsync(one, eventId: "msg-1")).Outcome);
        Assert.Equal(StartOutcome.Started, (await harness.StartAsync(other, eventId: "msg-1")).Outcome);
    }

    [Fact]
    public async Task Start_SingleWhileSubjectRuns_SkipsTheTrigger()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Single).Build());

        await harness.StartAsync(flow, subject: "contact-1");
        var again = await harness.StartAsync(flow, subject: "contact-1");
        var otherContact = await harness.StartAsync(flow, subject: "contact-2");

        Assert.Equal(StartOutcome.AlreadyRunning, again.Outcome);
        Assert.Equal(StartOutcome.Started, otherContact.Outcome);
    }

    [Fact]
    public async Task Start_SingleAfterPreviousFinished_StartsAgain()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Single).Build());
        await harness.StartAsync(flow);
        harness.Clock.Advance(TimeSpan.FromHours(1));
        await harness.FireDueTimersAsync();

        var again = await harness.StartAsync(flow);

        Assert.Equal(StartOutcome.Started, again.Outcome);
    }

    [Fact]
    public async Task Start_RestartWhileSubjectRuns_CancelsTheRunningInstance()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Restart).Build());
        var first = (await harness.StartAsync(flow)).Instance!;

        var second = await harness.StartAsync(flow);

        Assert.Equal(StartOutcome.Started, second.Outcome);
        Assert.Equal([first.Id], second.CancelledInstanceIds);
        Assert.Equal(FlowStatus.Cancelled, harness.Instance(first.Id).Status);
        Assert.All(harness.Store.Bookmarks(), b => Assert.Equal(second.Instance!.Id, b.InstanceId));
        harness.Clock.Advance(TimeSpan.FromHours(1));
        var fired = await harness.FireDueTimersAsync();
        Assert.Equal([ResumeOutcome.AlreadyConsumed, ResumeOutcome.Resumed], fired.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Start_ParallelWhileSubjectRuns_StartsAnother()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Parallel).Build());

        await harness.StartAsync(flow);
        var second = await harness.StartAsync(flow);

        Assert.Equal(StartOutcome.Started, second.Outcome);
        Assert.Equal(2, harness.Store.Instances().Count(i => i.IsActive));
    }

    [Fact]
    public async Task Start_EventCausedByAutomation_DoesNotStartAFlowThatDidNotOptIn()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Parallel).Build());

        var result = await harness.StartAsync(flow, byAutomation: true);

        Assert.Equal(StartOutcome.AutomationEvent, result.Outcome);
        Assert.Empty(harness.Store.Instances());
    }

    [Fact]
    public async Task Start_EventCausedByAutomation_StartsAFlowThatOptedIn()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Waiting(FlowConcurrency.Parallel, triggerOnAutomation: true).Build());

        var result = await harness.StartAsync(flow, byAutomation: true);

        Assert.Equal(StartOutcome.Started, result.Outcome);
    }

    [Fact]
    public async Task Start_TriggerPayload_IsReadableAsTrigger()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("payload")
            .Node("start", "test.messageReceived")
            .Node("send", "test.send", new { text = "Order {{ trigger.order.id }} ({{ trigger.order.items[1] }})" })
            .Connect("start", "done", "send")
            .Build());

        await harness.StartAsync(flow, payload: new { order = new { id = "A-17", items = new[] { "shoe", "sock" } } });

        Assert.Equal(["Order A-17 (sock)"], harness.Send.Texts);
    }
}
