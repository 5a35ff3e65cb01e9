using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Platform.Broadcasts;

namespace Omnichannel.Flows.Platform.Tests.Broadcasts;

/// <summary>The pace of a sending number, stepped through with a fake clock: starts are counted, never timed.</summary>
public sealed class SendThrottleTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Acquire_MoreThanTheLimit_StartsAtMostLimitInEachSecond()
    {
        var throttle = new SendThrottle(5, clock);
        var started = new List<TimeSpan>();
        var begin = clock.GetUtcNow();
        var timeout = Task.Delay(TimeSpan.FromSeconds(30));
        using var waiting = new SemaphoreSlim(0);
        throttle.Waiting += _ => waiting.Release();

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                await throttle.AcquireAsync(1, CancellationToken.None);
                lock (started)
                {
                    started.Add(clock.GetUtcNow() - begin);
                }
            }
        });
        var counts = new List<int>();
        while (!sending.IsCompleted)
        {
            // Either all started, or the next start waits for the clock: count what started in this second.
            Assert.NotEqual(timeout, await Task.WhenAny(sending, waiting.WaitAsync(), timeout));
            lock (started)
            {
                counts.Add(started.Count);
            }

            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await sending;
        Assert.Equal([5, 10], counts.Take(2));
        Assert.Equal(12, started.Count);
        foreach (var start in started)
        {
            Assert.True(started.Count(s => s >= start && s < start + TimeSpan.FromSeconds(1)) <= 5, $"More than 5 starts in the second from {start}.");
        }
    }

    [Fact]
    public async Task Acquire_AfterAPause_CatchesUpWithinTheSecondButNeverBeyondTheLimit()
    {
        var throttle = new SendThrottle(4, clock);
        await throttle.AcquireAsync(2, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(500));

        var more = throttle.AcquireAsync(3, CancellationToken.None);

        // Two places were left in the window: two start now, the third when the first two starts are a second old.
        Assert.False(more.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(more.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await more.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SlowDown_HalvesThePace_HoldsForRetryAfter_AndRecovers()
    {
        var throttle = new SendThrottle(10, clock);

        throttle.SlowDown(TimeSpan.FromSeconds(2));

        Assert.Equal(5, throttle.CurrentLimit);
        var held = throttle.AcquireAsync(1, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(held.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await held.WaitAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(10, throttle.CurrentLimit);
    }
}
