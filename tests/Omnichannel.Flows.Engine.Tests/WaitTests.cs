using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Tests.Support;

namespace Omnichannel.Flows.Engine.Tests;

public sealed class WaitTests
{
    private static FlowBuilder WaitThenSend(string duration) => new FlowBuilder("wait")
        .Node("start", "flow.manualTrigger")
        .Node("wait", "flow.wait", new { duration })
        .Node("send", "test.send", new { text = "later" })
        .Connect("start", "done", "wait")
        .Connect("wait", "done", "send");

    [Fact]
    public async Task Wait_Started_SuspendsWithATimerScheduledAtTheDueTime()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(WaitThenSend("PT24H").Build());

        var result = await harness.StartAsync(flow);

        Assert.Equal(FlowStatus.Suspended, result.Instance!.Status);
        var timer = Assert.Single(harness.Timers.Scheduled);
        Assert.Equal(harness.Clock.GetUtcNow().AddHours(24), timer.DueAt);
        Assert.Equal(timer, Assert.Single(harness.Store.Bookmarks()));
        Assert.Empty(harness.Send.Texts);
    }

    [Fact]
    public async Task Wait_ResumedBeforeDueTime_ChangesNothing()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(WaitThenSend("PT24H").Build());
        var instance = (await harness.StartAsync(flow)).Instance!;
        var timer = harness.Timers.Scheduled[0];

        harness.Clock.Advance(TimeSpan.FromHours(23.9));
        var early = await harness.Runner.ResumeAsync(instance.Id, timer.Id, null, harness.Facts, TestContext.Current.CancellationToken);
        var fired = await harness.FireDueTimersAsync();

        Assert.Equal(ResumeOutcome.NotDue, early.Outcome);
        Assert.Empty(fired);
        Assert.Empty(harness.Send.Texts);
        Assert.Equal(FlowStatus.Suspended, harness.Instance(instance.Id).Status);
    }

    [Fact]
    public async Task Wait_AfterDueTime_ResumesAndFinishes()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(WaitThenSend("P1D").Build());
        var instance = (await harness.StartAsync(flow)).Instance!;

        harness.Clock.Advance(TimeSpan.FromHours(25));
        var fired = await harness.FireDueTimersAsync();

        Assert.Equal(ResumeOutcome.Resumed, Assert.Single(fired).Outcome);
        Assert.Equal(["later"], harness.Send.Texts);
        Assert.Equal(FlowStatus.Finished, harness.Instance(instance.Id).Status);
        Assert.Empty(harness.Store.Bookmarks());
    }

    [Fact]
    public async Task Resume_SameBookmarkTwice_SecondDoesNothing()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(WaitThenSend("PT1H").Build());
        var instance = (await harness.StartAsync(flow)).Instance!;
        var timer = harness.Timers.Scheduled[0];
        harness.Clock.Advance(TimeSpan.FromHours(1));

        var first = await harness.Runner.ResumeAsync(instance.Id, timer.Id, null, harness.Facts, TestContext.Current.CancellationToken);
        var second = await harness.Runner.ResumeAsync(instance.Id, timer.Id, null, harness.Facts, TestContext.Current.CancellationToken);

        Assert.Equal(ResumeOutcome.Resumed, first.Outcome);
        Assert.Equal(ResumeOutcome.AlreadyConsumed, second.Outcome);
        Assert.Equal(["later"], harness.Send.Texts);
    }

    [Fact]
    public async Task Resume_ConcurrentResumesOfOneBookmark_OnlyOneWins()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(WaitThenSend("PT1H").Build());
        var instance = (await harness.StartAsync(flow)).Instance!;
        var timer = harness.Timers.Scheduled[0];
        harness.Clock.Advance(TimeSpan.FromHours(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            harness.Runner.ResumeAsync(instance.Id, timer.Id, null, harness.Facts, TestContext.Current.CancellationToken))));

        Assert.Single(results, r => r.Outcome == ResumeOutcome.Resumed);
        Assert.Equal(["later"], harness.Send.Texts);
    }

    [Fact]
    public async Task WaitUntil_TimeOfDayInTimeZone_DueAtThatLocalTime()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("morning")
            .Node("start", "flow.manualTrigger")
            .Node("until", "flow.waitUntil", new { time = "08:30", timeZone = "America/New_York", days = new[] { "mon", "tue", "wed", "thu", "fri", "sat", "sun" } })
            .Connect("start", "done", "until")
            .Build());

        await harness.StartAsync(flow); // 2026-11-25 09:00 UTC = 04:00 in New York (EST, UTC-5)

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 13, 30, 0, TimeSpan.Zero), Assert.Single(harness.Timers.Scheduled).DueAt);
    }

    [Fact]
    public async Task WaitUntil_BusinessHoursOpen_ContinuesAtOnce()
    {
        var harness = new FlowHarness();
        var flow = harness.Publish(new FlowBuilder("hours")
            .Node("start", "flow.manualTrigger")
            .Node("until", "flow.waitUntil", new { until = "businessHours", opens = "09:00", closes = "17:00", timeZone = "Europe/Madrid" })
            .Node("send", "test.send", new { text = "we are open" })
            .Connect("start", "done", "until")
            .Connect("until", "done", "send")
            .Build());

        await harness.StartAsync(flow); // Wednesday 10:00 in Madrid

        Assert.Equal(["we are open"], harness.Send.Texts);
        Assert.Empty(harness.Timers.Scheduled);
    }

    [Fact]
    public async Task WaitUntil_BusinessHoursClosed_WaitsForNextOpening()
    {
        var harness = new FlowHarness();
        harness.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.Zero)); // Friday 19:00 in Madrid
        var flow = harness.Publish(new FlowBuilder("hours")
            .Node("start", "flow.manualTrigger")
            .Node("until", "flow.waitUntil", new { until = "businessHours", timeZone = "Europe/Madrid" })
            .Connect("start", "done", "until")
            .Build());

        await harness.StartAsync(flow);

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), Assert.Single(harness.Timers.Scheduled).DueAt);
    }
}

/// <summary>A caller that read the instance already (a timer job reads its whole claim at once) hands that copy in.</summary>
public sealed class ResumeWithACopyTests
{
    private static FlowBuilder TwoWaits() => new FlowBuilder("two-waits")
        .Node("start", "flow.manualTrigger")
        .Node("short", "flow.wait", new { duration = "PT1H" })
        .Node("long", "flow.wait", new { duration = "PT2H" })
        .Node("send-short", "test.send", new { text = "after one hour" })
        .Node("send-long", "test.send", new { text = "after two hours" })
        .Connect("start", "done", "short")
        .Connect("start", "done", "long")
        .Connect("short", "done", "send-short")
        .Connect("long", "done", "send-long");

    [Fact]
    public async Task ACurrentCopy_Resumes()
    {
        var harness = new FlowHarness();
        var instance = (await harness.StartAsync(harness.Publish(TwoWaits().Build()))).Instance!;
        var copy = harness.Instance(instance.Id);
        harness.Clock.Advance(TimeSpan.FromHours(1));

        var result = await harness.Runner.ResumeAsync(instance.Id, ShortTimer(harness).Id, null, harness.Facts,
            TestContext.Current.CancellationToken, read: copy);

        Assert.Equal(ResumeOutcome.Resumed, result.Outcome);
        Assert.Equal(["after one hour"], harness.Send.Texts);
    }

    [Fact]
    public async Task AnOutOfDateCopy_IsRefusedByTheConsume_AndTheStoredInstanceDecides()
    {
        var harness = new FlowHarness();
        var instance = (await harness.StartAsync(harness.Publish(TwoWaits().Build()))).Instance!;
        var copy = harness.Instance(instance.Id); // both branches waiting
        var longTimer = harness.Timers.Scheduled.Single(t => t.NodeId == "long");
        harness.Clock.Advance(TimeSpan.FromHours(1));
        await harness.Runner.ResumeAsync(instance.Id, ShortTimer(harness).Id, null, harness.Facts, TestContext.Current.CancellationToken);
        harness.Clock.Advance(TimeSpan.FromHours(1));

        var result = await harness.Runner.ResumeAsync(instance.Id, longTimer.Id, null, harness.Facts,
            TestContext.Current.CancellationToken, read: copy);

        // Resumed from the copy, the short branch (done meanwhile) would have come back; from the stored run it does not.
        Assert.Equal(ResumeOutcome.Resumed, result.Outcome);
        Assert.Equal(["after one hour", "after two hours"], harness.Send.Texts);
        Assert.Equal(FlowStatus.Finished, harness.Instance(instance.Id).Status);
        Assert.Empty(harness.Store.Bookmarks());
    }

    private static Bookmark ShortTimer(FlowHarness harness) => harness.Timers.Scheduled.Single(t => t.NodeId == "short");
}
