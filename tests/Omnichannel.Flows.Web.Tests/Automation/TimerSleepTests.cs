using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Timers;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// The timer pump's sleep and a timer job's wait end when the clock reaches their time, even when the clock moved on
/// while the timer for it was being set: a wait worked out before the move would otherwise end that much later (with a
/// test clock, never, until it moves again; a test waiting for the pump's pass after its move timed out in CI).
/// </summary>
public sealed class TimerSleepTests(TimerSleepTests.App app) : IClassFixture<TimerSleepTests.App>
{
    [Fact]
    public async Task TheClockReachingAWaitsDueTime_AsItsJobSetsItsTimer_ResumesItWithoutAnotherMove()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("moved-as-set"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var runId = await AutomationTimerTests.StartAsync(admin, id);
        var dueAt = app.Clock.GetUtcNow() + TimeSpan.FromHours(1);

        // The job that claims the wait 1 s ahead sets a timer for that second just after the clock moved to the due time.
        app.WrappedClock.Arm(TimeSpan.FromSeconds(1), () => app.Clock.Advance(TimeSpan.FromSeconds(1)));
        await app.AdvanceAndLetTimersRunAsync(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));

        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish", TimeSpan.FromSeconds(10));
        Assert.Equal(dueAt, Assert.Single(app.Effects.Recorded, r => r.InstanceId == runId).At);
    }

    [Fact]
    public async Task TheClockMovingPastThePoll_AsThePumpGoesToSleep_StartsTheNextPassWithoutAnotherMove()
    {
        var pump = app.Services.GetRequiredService<FlowTimerPump>();
        await app.WaitForAsync(() => Task.FromResult(pump.Passes), passes => passes > 0, "the first timer pump pass");

        // The pump's next sleep (nothing is due: the poll, 30 s) is set just after the clock moved a minute on.
        long passesWhenMoved = -1;
        app.WrappedClock.Arm(TimeSpan.FromSeconds(30), () =>
        {
            passesWhenMoved = pump.Passes;
            app.Clock.Advance(TimeSpan.FromMinutes(1));
        });
        pump.Wake(DateTime.MinValue);

        await app.WaitForAsync(() => Task.FromResult(pump.Passes), passes => passesWhenMoved >= 0 && passes > passesWhenMoved,
            "a timer pump pass after the clock moved", TimeSpan.FromSeconds(10));
    }

    public sealed class App() : WrappedClockAppFactory<ClockMovesAsTimerIsSet>(clock => new ClockMovesAsTimerIsSet(clock));
}

/// <summary>The test clock, running an armed action once just before it sets the next timer of a given length.</summary>
public sealed class ClockMovesAsTimerIsSet(FakeTimeProvider clock) : FakeClockWrapper(clock)
{
    private readonly Lock gate = new();
    private (TimeSpan DueTime, Action Action)? armed;

    public void Arm(TimeSpan dueTime, Action action)
    {
        lock (gate)
        {
            armed = (dueTime, action);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Action? action = null;
        lock (gate)
        {
            if (armed is { } set && set.DueTime == dueTime)
            {
                (action, armed) = (set.Action, null);
            }
        }

        action?.Invoke();
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
