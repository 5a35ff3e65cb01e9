namespace Omnichannel.Flows.Web.Components;

/// <summary>
/// Reloads a page every so often while it is open, and soon after it is told something changed (<see cref="Soon"/>),
/// on <see cref="TimeProvider"/> (tests move it with a fake clock): lists of runs, counts, a broadcast's progress: what
/// the background changes. One reload at a time, and at most one per <see cref="Soonest"/> however often changes are
/// announced: announcements during a reload ask for one more, not one each. Disposing it (with the page) stops it.
/// </summary>
public sealed class PageRefresh : IDisposable
{
    /// <summary>The shortest time between two reloads asked for by <see cref="Soon"/>.</summary>
    public static readonly TimeSpan Soonest = TimeSpan.FromSeconds(1);

    // Cancelled, never disposed: the loop may still read its token after the page is gone.
    private readonly CancellationTokenSource closing = new();
    private readonly Lock gate = new();
    private TaskCompletionSource asked = NewSignal();

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

    /// <summary>Something the page shows changed (any thread): reload within <see cref="Soonest"/> rather than at the next tick.</summary>
    public void Soon()
    {
        lock (gate)
        {
            asked.TrySetResult();
        }
    }

    private async Task RunAsync(TimeProvider time, TimeSpan every, Func<Task> reload, ILogger logger)
    {
        using var timer = new PeriodicTimer(every, time);
        var lastReload = time.GetTimestamp();
        // A tick still pending when an announcement came first is waited for again, not asked anew (one at a time).
        Task<bool>? tick = null;
        try
        {
            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(closing.Token).AsTask();
                Task announced;
                lock (gate)
                {
                    announced = asked.Task;
                }

                if (await Task.WhenAny(tick, announced) == tick)
                {
                    if (!await tick)
                    {
                        return;
                    }

                    tick = null;
                }
                else if (time.GetElapsedTime(lastReload) is var since && since < Soonest)
                {
                    await Task.Delay(Soonest - since, time, closing.Token);
                }

                lock (gate)
                {
                    // What is announced from here on is after this reload's read: it asks for the next one.
                    asked = asked.Task.IsCompleted ? NewSignal() : asked;
                }

                try
                {
                    await reload();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Refreshing the page failed; trying again in {Interval}", every);
                }

                lastReload = time.GetTimestamp();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => closing.Cancel();
}
