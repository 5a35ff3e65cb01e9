using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Runs;

namespace Omnichannel.Flows.Web.Components.Flows;

/// <summary>
/// Keeps a view of flow runs current: it reloads on its <see cref="PageRefresh"/> schedule, and within
/// <see cref="PageRefresh.Soonest"/> after a run it <paramref name="shows"/> changed in this app instance
/// (<see cref="AutomationSignals.RunChanged"/>; runs of other instances show at the next tick). Disposing it stops both.
/// </summary>
internal sealed class FlowRunsRefresh : IDisposable
{
    private readonly AutomationSignals signals;
    private readonly PageRefresh refresh;
    private readonly Action<FlowInstance> changed;

    private FlowRunsRefresh(AutomationSignals signals, Func<FlowInstance, bool> shows, PageRefresh refresh)
    {
        this.signals = signals;
        this.refresh = refresh;
        changed = run =>
        {
            if (shows(run))
            {
                refresh.Soon();
            }
        };
        signals.RunChanged += changed;
    }

    /// <param name="shows">Whether the view shows a run: called for every run that changes, on the thread that ran it, so cheap.</param>
    public static FlowRunsRefresh Start(
        AutomationSignals signals, Func<FlowInstance, bool> shows, TimeProvider time, TimeSpan every, Func<Task> reload, ILogger logger) =>
        new(signals, shows, PageRefresh.Start(time, every, reload, logger));

    public void Dispose()
    {
        signals.RunChanged -= changed;
        refresh.Dispose();
    }
}
