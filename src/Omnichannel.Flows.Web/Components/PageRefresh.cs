namespace Omnichannel.Flows.Web.Components;

/// <summary>
/// Reloads a page every so often while it is open, on <see cref="TimeProvider"/> (tests move it with a fake clock): lists
/// of runs, counts, a broadcast's progress: what the background changes. One reload at a time: ticks during a reload are
/// not queued up.
/// Disposing it (with the page) stops it.
/// </summary>
public sealed class PageRefresh : IDisposable
{
    // Cancelled, never disposed: the loop may still read its token after the page is gone.
    private readonly CancellationTokenSource closing = new();

    private PageRefresh()
    {
    }

    /// <param name="reload">Reloads and renders the page: the component's <c>InvokeAsync</c> around its own reload.</param>
    /// <param name="logger">Where a failed reload is logged; the next tick tries again.</param>
    public static PageRefresh Start(TimeProvider time, TimeSpan every, Func<Task> reload, ILogger logger)
    {
        var refresh = new PageRefresh();
        _ = refresh.RunAsync(time, every, reload, logger);
        return refresh;
    }

    private async Task RunAsync(TimeProvider time, TimeSpan every, Func<Task> reload, ILogger logger)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(closing.Token))
            {
                try
                {
                    await reload();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Refreshing the page failed; trying again in {Interval}", every);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => closing.Cancel();
}
