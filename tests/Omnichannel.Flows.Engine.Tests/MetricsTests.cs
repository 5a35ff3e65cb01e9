using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

/// <summary>Runs started and stopped per flow and state, and steps per activity: counted once, when durable.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task ARunThatFinishes_IsCountedStartedThenStoppedFinished_WithEachStep()
    {
        using var recorded = new RecordedMeasurements(FlowMetrics.MeterName);
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder(NewId("finishes"))
            .Node("start", "flow.manualTrigger")
            .Node("send", "test.send", new { text = "hi" })
            .Connect("start", "done", "send")
            .Build());

        await harness.StartAsync(flow);

        Assert.Equal([1], recorded.Values("flows.runs.started", ("flow.id", flow.Id)));
        Assert.Equal(["finished"], recorded.Tag("flows.runs.stopped", "flow.status", ("flow.id", flow.Id)));
        Assert.Equal(["flow.manualTrigger", "test.send"], recorded.Tag("flows.step.duration", "activity.type", ("flow.id", flow.Id)));
        Assert.All(recorded.Values("flows.step.duration", ("flow.id", flow.Id)), seconds => Assert.InRange(seconds, 0, 60));
    }

    [Fact]
    public async Task AWaitingRun_IsNotStopped_UntilItsWaitEndsIt_OrItIsCancelled()
    {
        using var recorded = new RecordedMeasurements(FlowMetrics.MeterName);
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder(NewId("waits"))
            .Node("start", "flow.manualTrigger")
            .Node("wait", "flow.wait", new { duration = "PT1H" })
            .Connect("start", "done", "wait")
            .Build());
        var resumed = (await harness.StartAsync(flow)).Instance!;
        var cancelled = (await harness.StartAsync(flow, subject: "contact-2")).Instance!;

        Assert.Empty(recorded.Values("flows.runs.stopped", ("flow.id", flow.Id)));
        Assert.Equal(["suspended", "suspended"], recorded.Tag("flows.step.duration", "step.outcome", ("flow.id", flow.Id), ("activity.type", "flow.wait")));

        harness.Clock.Advance(TimeSpan.FromMinutes(30));
        await harness.Runner.CancelAsync(cancelled.Id, "test", TestContext.Current.CancellationToken);
        await harness.Runner.CancelAsync(cancelled.Id, "again", TestContext.Current.CancellationToken); // changes nothing
        harness.Clock.Advance(TimeSpan.FromHours(1));
        await harness.FireDueTimersAsync();

        Assert.Equal(FlowStatus.Finished, harness.Instance(resumed.Id).Status);
        Assert.Equal(["cancelled", "finished"], recorded.Tag("flows.runs.stopped", "flow.status", ("flow.id", flow.Id)));
    }

    [Fact]
    public async Task AFaultedRun_IsStoppedFaulted_AndAgainFinished_WhenARetryCarriesItThrough()
    {
        using var recorded = new RecordedMeasurements(FlowMetrics.MeterName);
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder(NewId("faults"))
            .Node("start", "flow.manualTrigger")
            .Node("call", "test.flaky")
            .Connect("start", "done", "call")
            .Build());
        var instance = (await harness.StartAsync(flow)).Instance!;

        await harness.Runner.RetryAsync(instance.Id, harness.Facts, TestContext.Current.CancellationToken);

        Assert.Equal(["faulted", "finished"], recorded.Tag("flows.runs.stopped", "flow.status", ("flow.id", flow.Id)));
        Assert.Equal(["faulted", "continued"], recorded.Tag("flows.step.duration", "step.outcome", ("flow.id", flow.Id), ("activity.type", "test.flaky")));
        Assert.Equal([1], recorded.Values("flows.runs.started", ("flow.id", flow.Id)));
    }

    /// <summary>A flow id of this test alone: the meter is process-wide and tests run in parallel.</summary>
    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";
}
