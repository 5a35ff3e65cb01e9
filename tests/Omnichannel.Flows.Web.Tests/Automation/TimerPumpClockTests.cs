using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Timers;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// Time that passes during a timer pump pass (here the test clock, moved while the pass claims) does not put the next
/// claim off: the pump sleeps until the next claim time or the poll counted from the time the pass claimed by.
/// </summary>
public sealed class TimerPumpClockTests(TimerPumpClockTests.App app) : IClassFixture<TimerPumpClockTests.App>
{
    [Fact]
    public async Task TheClockMovingDuringAPass_ToWithinATimersLookahead_GetsItClaimedWithoutAnotherMove()
    {
        using var admin = await app.CreateAdminClientAsync();
        var id = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId("mid-pass"), TestFlows.Manual(), TestFlows.Wait("PT1H"), TestFlows.Record()));
        var runId = await AutomationTimerTests.StartAsync(admin, id);

        // The next pass reads the time, then the clock moves to 1 s before the wait is due (inside the 2 s lookahead)
        // while the pass claims what was due at the time it read.
        app.ClockMoves.Arm(() => app.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1)));
        app.Services.GetRequiredService<FlowTimerPump>().Wake(DateTime.MinValue);

        await app.WaitForAsync(() => app.TimerClaimOfAsync(runId), claim => claim is not null, "the timer to be claimed ahead", TimeSpan.FromSeconds(10));
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await app.WaitForAsync(() => app.RunsAsync(id), r => r.Single().Status == FlowStatus.Finished, "the run to finish");
        Assert.Equal(1, app.Effects.CountFor(runId));
    }

    [Fact]
    public async Task TheClockMovingPastThePollDuringAPass_WithNothingLeftToClaim_GetsAPassThatSeesTheMove()
    {
        // A run cancelled while its wait timer was pending leaves nothing to claim: the pump's next look is the poll (30 s).
        // The pass under way read the time before the move, so only a pass after it has looked by the new time.
        var pump = app.Services.GetRequiredService<FlowTimerPump>();
        long movedTo = 0;
        app.ClockMoves.Arm(() =>
        {
            app.Clock.Advance(TimeSpan.FromMinutes(11));
            Interlocked.Exchange(ref movedTo, app.Clock.GetUtcNow().UtcDateTime.Ticks);
        });
        pump.Wake(DateTime.MinValue);

        await app.WaitForAsync(() => Task.FromResult(pump.LastPassClock), looked => Interlocked.Read(ref movedTo) is > 0 and var moved && looked.Ticks >= moved,
            "a timer pump pass that read the clock after it moved", TimeSpan.FromSeconds(10));
    }

    public sealed class App : AutomationAppFactory
    {
        public ClockMovesDuringTimerClaim ClockMoves { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IInterceptor>(ClockMoves);
    }
}

/// <summary>Runs an armed action once, just before the next claim of wait timers (the pump's update of FlowBookmarks).</summary>
public sealed class ClockMovesDuringTimerClaim : DbCommandInterceptor
{
    private Action? armed;

    public void Arm(Action action) => Volatile.Write(ref armed, action);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("UPDATE \"FlowBookmarks\"", StringComparison.Ordinal)
            && command.CommandText.Contains("\"FiringBy\" = ", StringComparison.Ordinal)
            && Interlocked.Exchange(ref armed, null) is { } action)
        {
            action();
        }

        return ValueTask.FromResult(result);
    }
}
