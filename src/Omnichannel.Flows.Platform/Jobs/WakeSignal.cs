namespace Omnichannel.Flows.Platform.Jobs;

/// <summary>
/// Wakes a background loop that otherwise sleeps until its poll interval: many wakes before it looks count as one,
/// since one pass finds all the work.
/// </summary>
public class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        if (wake.CurrentCount > 0)
        {
            return;
        }

        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken already.
        }
    }

    /// <returns>True when woken, false when <paramref name="timeout"/> passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => wake.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        wake.Dispose();
        GC.SuppressFinalize(this);
    }
}
