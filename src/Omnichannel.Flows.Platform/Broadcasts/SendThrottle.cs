using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// The pace of one sending number: at most <see cref="Limit"/> sends start in any one second (a sliding window over the
/// start times of the last second's sends, so a pause is caught up within the second and never beyond the limit). When
/// the provider says we go too fast, the pace halves and grows back by a tenth of the limit per second; a Retry-After
/// holds every send until it has passed. Time comes from <see cref="TimeProvider"/>, so tests step through seconds.
/// </summary>
public sealed class SendThrottle(int limit, TimeProvider time)
{
    private const double MinFactor = 0.1;
    private const double RecoveryPerSecond = 0.1;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Queue<long> starts = new();
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly Lock gate = new();
    private double factor = 1;
    private long slowedAt;
    private long heldUntil;

    /// <summary>Sends per second when the provider is not pushing back.</summary>
    public int Limit { get; } = limit;

    /// <summary>Raised when a send has to wait for its turn, with how long (tests step the clock on it).</summary>
    public event Action<TimeSpan>? Waiting;

    /// <summary>Sends per second allowed now.</summary>
    public int CurrentLimit
    {
        get
        {
            lock (gate)
            {
                return LimitAt(time.GetTimestamp());
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> sends may start, and counts them as started.</summary>
    public async Task AcquireAsync(int count, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            for (var granted = 0; granted < count;)
            {
                TimeSpan wait;
                lock (gate)
                {
                    var now = time.GetTimestamp();
                    while (starts.Count > 0 && time.GetElapsedTime(starts.Peek(), now) >= Window)
                    {
                        starts.Dequeue();
                    }

                    var allowed = LimitAt(now);
                    if (heldUntil > now)
                    {
                        wait = time.GetElapsedTime(now, heldUntil);
                    }
                    else if (starts.Count < allowed)
                    {
                        starts.Enqueue(now);
                        granted++;
                        continue;
                    }
                    else
                    {
                        // The send that frees a place is the one `allowed` places before the end of the window.
                        wait = Window - time.GetElapsedTime(starts.ElementAt(starts.Count - allowed), now);
                    }
                }

                // The timer is set before anyone hears of the wait, so a clock moved on hearing of it always wakes it.
                var delay = Task.Delay(wait, time, cancellationToken);
                Tell(wait);
                await delay;
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>The provider refused a send for going too fast: halve the pace, and hold everything for <paramref name="retryAfter"/>.</summary>
    public void SlowDown(TimeSpan? retryAfter)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            factor = Math.Max(MinFactor, FactorAt(now) / 2);
            slowedAt = now;
            if (retryAfter is { } delay && delay > TimeSpan.Zero)
            {
                heldUntil = Math.Max(heldUntil, now + (long)(delay.TotalSeconds * time.TimestampFrequency));
            }
        }
    }

    /// <summary>An observer that fails never stops a send.</summary>
    private void Tell(TimeSpan wait)
    {
        foreach (var observer in Waiting?.GetInvocationList().Cast<Action<TimeSpan>>() ?? [])
        {
            try
            {
                observer(wait);
            }
            catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException)
            {
                // A test or view that stopped listening without unsubscribing.
            }
        }
    }

    private int LimitAt(long now) => Math.Max(1, (int)(Limit * FactorAt(now)));

    private double FactorAt(long now) =>
        factor >= 1 ? 1 : Math.Min(1, factor + (RecoveryPerSecond * time.GetElapsedTime(slowedAt, now).TotalSeconds));
}

/// <summary>One <see cref="SendThrottle"/> per channel (each channel has one sending number or account here), shared by all broadcasts.</summary>
public sealed class SendThrottles(IOptions<BroadcastOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<ChannelKind, SendThrottle> throttles = new();

    public SendThrottle For(ChannelKind channel) => throttles.GetOrAdd(channel, c => new SendThrottle(options.Value.RateOf(c), time));
}
