using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// The system's timers may end a moment before their time (they count whole milliseconds, on a clock of their own). A
/// timer job woken that way resumes its wait when it is due, instead of handing it back to the pump and leaving it to the
/// next poll (found by bench/flow-timers.sh: 3 of 10,000 waits due at once fired 28 s late).
/// </summary>
public sealed class TimerFiringEarlyTests(TimerFiringEarlyTests.App app) : IClassFixture<TimerFiringEarlyTests.App>
{
    [Fact]
    public async Task AWaitWhoseJobWakesAMomentEarly_IsResumedWhenDue_NotAtTheNextPoll()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("early-wake"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var runId = await AutomationTimerTests.StartAsync(admin, id);

        // Inside the 2 s lookahead: the pump claims the wait, and its job waits for the due time.
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        await app.WaitForAsync(() => app.TimerClaimOfAsync(runId), claim => claim is not null, "the wait to be claimed ahead");

        // Half a millisecond before it is due, the job's timer ends (this clock's timers end 1 ms early); wait until the
        // job has looked at the time: it either handed the wait back (its claim gone) or waits for what is left.
        var shortWaits = app.WrappedClock.ShortTimers;
        app.Clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(5_000));
        await app.WaitForAsync(async () => (await app.TimerClaimOfAsync(runId), app.WrappedClock.ShortTimers),
            seen => seen.Item1 is null || seen.Item2 > shortWaits, "the timer job to wake");

        // Now it is due; the pump sleeps until its next poll, 30 s away.
        app.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish", TimeSpan.FromSeconds(10));
        Assert.Equal(1, app.Effects.CountFor(runId));
    }

    public sealed class App() : WrappedClockAppFactory<EarlyTimers>(clock => new EarlyTimers(clock, TimeSpan.FromMilliseconds(1)));
}

/// <summary>
/// The test clock, with timers that end <c>early</c> before their time (as the system's may). Counts the timers asked for
/// at most that long (a wait for what is left of a due time).
/// </summary>
public sealed class EarlyTimers(FakeTimeProvider clock, TimeSpan early) : FakeClockWrapper(clock)
{
    private int shortTimers;

    public int ShortTimers => Volatile.Read(ref shortTimers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > TimeSpan.Zero && dueTime <= early)
        {
            Interlocked.Increment(ref shortTimers);
        }

        return base.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime, period);
    }
}
