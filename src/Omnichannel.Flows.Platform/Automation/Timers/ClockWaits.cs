namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>Waiting for the clock (<see cref="TimeProvider"/>, a test's fake clock included) to read a given time.</summary>
internal static class ClockWaits
{
    /// <summary>The least a wait sets a timer for when what is left is shorter (so a wait does not spin).</summary>
    private static readonly TimeSpan ShortestTimer = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Waits until <paramref name="time"/> reads <paramref name="dueAt"/> or later, or until <paramref name="woken"/>
    /// completes. A timer is set for what is left, and the clock is read again once it is set: a clock that moved on
    /// meanwhile (a test's clock advanced just then) ends the wait at once instead of putting it off by as much. A timer
    /// that ends a moment early (the system's count whole milliseconds, on a clock of their own) is followed by another
    /// for what is left.
    /// </summary>
    /// <exception cref="OperationCanceledException">Only without <paramref name="woken"/>: with it, cancelling just ends the wait.</exception>
    public static async Task UntilAsync(this TimeProvider time, DateTime dueAt, Task? woken, CancellationToken cancellationToken)
    {
        while (dueAt - time.GetUtcNow().UtcDateTime is var left && left > TimeSpan.Zero)
        {
            var timer = Task.Delay(left < ShortestTimer ? ShortestTimer : left, time, cancellationToken);
            if (time.GetUtcNow().UtcDateTime >= dueAt)
            {
                return;
            }

            if (woken is null)
            {
                await timer;
            }
            else if (await Task.WhenAny(timer, woken) == woken || cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
