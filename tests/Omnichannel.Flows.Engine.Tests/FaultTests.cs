using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class FaultTests
{
    private static FlowBuilder Flaky() => new FlowBuilder("flaky")
        .Node("start", "flow.manualTrigger")
        .Node("call", "test.flaky")
        .Node("send", "test.send", new { text = "after" })
        .Connect("start", "done", "call")
        .Connect("call", "done", "send");

    [Fact]
    public async Task Activity_Throws_FaultsTheInstanceKeepingTheError()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Flaky().Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(FlowStatus.Faulted, instance.Status);
        Assert.Equal("call", instance.Fault!.NodeId);
        Assert.Equal(1, instance.Fault.Attempt);
        Assert.Contains("provider unavailable", instance.Fault.Message, StringComparison.Ordinal);
        Assert.False(instance.Variables.ContainsKey("touched"));
        Assert.Equal(FlowStatus.Faulted, harness.Instance(instance.Id).Status);
        Assert.Empty(harness.Send.Texts);
    }

    [Fact]
    public async Task ALoopWithoutAWait_FaultsPastTheStepLimit_InsteadOfSpinning()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("loop")
            .Node("start", "flow.manualTrigger")
            .Node("ping", "flow.setVariable", new { name = "side", value = "ping" })
            .Node("pong", "flow.setVariable", new { name = "side", value = "pong" })
            .Connect("start", "done", "ping")
            .Connect("ping", "done", "pong")
            .Connect("pong", "done", "ping")
            .Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(FlowStatus.Faulted, instance.Status);
        // The trigger, then 500 rounds of ping and pong: the step past the limit is pong's, journaled as the fault.
        Assert.Equal("pong", instance.Fault!.NodeId);
        Assert.Contains("without waiting", instance.Fault.Message, StringComparison.Ordinal);
        var journal = harness.Store.Journal(instance.Id);
        Assert.Equal(FlowStepper.MaxStepsWithoutWaiting + 1, journal.Count);
        Assert.Equal(JournalOutcome.Faulted, journal[^1].Outcome);
        Assert.Equal(FlowStatus.Faulted, harness.Instance(instance.Id).Status);
    }

    [Fact]
    public async Task Retry_FaultedInstance_RerunsTheStepWithTheNextAttemptAndCarriesOn()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Flaky().Build());
        var instance = (await harness.StartAsync(flow)).Instance!;

        var retried = await harness.Runner.RetryAsync(instance.Id, harness.Facts, TestContext.Current.CancellationToken);

        Assert.Equal(FlowStatus.Finished, retried!.Status);
        Assert.Null(retried.Fault);
        Assert.Equal(["after"], harness.Send.Texts);
        var calls = harness.Store.Journal(instance.Id).Where(e => e.NodeId == "call").ToList();
        Assert.Equal([(1, JournalOutcome.Faulted), (2, JournalOutcome.Continued)], calls.Select(e => (e.Attempt, e.Outcome)));
    }

    [Fact]
    public async Task Retry_NewAttempt_GetsANewIdempotencyKey()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Flaky().Build());
        var instance = (await harness.StartAsync(flow)).Instance!;

        await harness.Runner.RetryAsync(instance.Id, harness.Facts, TestContext.Current.CancellationToken);

        Assert.Equal(2, harness.Flaky.Keys.Distinct().Count());
        Assert.EndsWith(":1", harness.Flaky.Keys[0], StringComparison.Ordinal);
        Assert.EndsWith(":2", harness.Flaky.Keys[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Continue_AfterCrashBeforeStepWasDurable_RerunsWithTheSameIdempotencyKey()
    {
        CrashingStore? crashing = null;
        var harness = new FlowHarness(store: inner => crashing = new CrashingStore(inner));
        var flow = harness.Publish(new FlowBuilder("crash")
            .Node("start", "flow.manualTrigger")
            .Node("send", "test.send", new { text = "once" })
            .Node("wait", "flow.wait", new { duration = "PT1H" })
            .Connect("start", "done", "send")
            .Connect("send", "done", "wait")
            .Build());
        crashing!.CrashAfterStepOf = "send";

        await Assert.ThrowsAsync<IOException>(() => harness.StartAsync(flow));
        var stored = Assert.Single(harness.Store.Instances());
        Assert.Equal("send", stored.Pending[0].NodeId);
        await harness.Runner.ContinueAsync(stored.Id, harness.Facts, TestContext.Current.CancellationToken);

        var keys = harness.Send.Sent.Select(s => s.Key).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal(FlowStatus.Suspended, harness.Instance(stored.Id).Status);
    }

    [Fact]
    public async Task Retry_TimerOfAnotherBranchFiredWhileFaulted_IsScheduledAgainAndResumes()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("branches")
            .Node("start", "flow.manualTrigger")
            .Node("wait", "flow.wait", new { duration = "PT1H" })
            .Node("call", "test.flaky")
            .Node("later", "test.send", new { text = "after the wait" })
            .Connect("start", "done", "wait")
            .Connect("start", "done", "call")
            .Connect("wait", "done", "later")
            .Build());
        var instance = (await harness.StartAsync(flow)).Instance!;
        harness.Clock.Advance(TimeSpan.FromHours(1));
        var whileFaulted = await harness.FireDueTimersAsync();

        await harness.Runner.RetryAsync(instance.Id, harness.Facts, TestContext.Current.CancellationToken);
        var afterRetry = await harness.FireDueTimersAsync();

        Assert.Equal(ResumeOutcome.AlreadyConsumed, Assert.Single(whileFaulted).Outcome);
        Assert.Equal(ResumeOutcome.Resumed, Assert.Single(afterRetry).Outcome);
        Assert.Equal(["after the wait"], harness.Send.Texts);
        Assert.Equal(FlowStatus.Finished, harness.Instance(instance.Id).Status);
    }

    [Fact]
    public async Task Cancel_FaultedInstance_StopsIt()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(Flaky().Build());
        var instance = (await harness.StartAsync(flow)).Instance!;

        var cancelled = await harness.Runner.CancelAsync(instance.Id, "given up", TestContext.Current.CancellationToken);
        var retried = await harness.Runner.RetryAsync(instance.Id, harness.Facts, TestContext.Current.CancellationToken);

        Assert.Equal(FlowStatus.Cancelled, cancelled!.Status);
        Assert.Equal(FlowStatus.Cancelled, retried!.Status);
        Assert.Empty(harness.Send.Texts);
        Assert.Equal((JournalOutcome.Cancelled, "given up"), harness.Store.Journal(instance.Id).Select(e => (e.Outcome, e.Error)).Last());
    }

    [Fact]
    public async Task Cancel_SuspendedInstance_RemovesItsBookmarks()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("wait").Node("start", "flow.manualTrigger").Node("wait", "flow.wait", new { duration = "PT1H" })
            .Connect("start", "done", "wait").Build());
        var instance = (await harness.StartAsync(flow)).Instance!;

        await harness.Runner.CancelAsync(instance.Id, cancellationToken: TestContext.Current.CancellationToken);
        harness.Clock.Advance(TimeSpan.FromHours(1));
        var fired = await harness.FireDueTimersAsync();

        Assert.Empty(harness.Store.Bookmarks());
        Assert.Equal(ResumeOutcome.AlreadyConsumed, Assert.Single(fired).Outcome);
    }

    [Fact]
    public async Task Liquid_RunawayLoop_FaultsTheStep()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("loop")
            .Node("start", "flow.manualTrigger")
            .Node("send", "test.send", new { text = "{% for i in (1..10000) %}{% for j in (1..10000) %}x{% endfor %}{% endfor %}" })
            .Connect("start", "done", "send")
            .Build());

        var instance = (await harness.StartAsync(flow)).Instance!;

        Assert.Equal(FlowStatus.Faulted, instance.Status);
        Assert.Contains("Liquid", instance.Fault!.Message, StringComparison.Ordinal);
    }
}
