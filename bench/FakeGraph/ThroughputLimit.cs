using System.Diagnostics;

namespace Omnichannel.Flows.Bench.FakeGraph;

/// <summary>
/// A number's throughput as the fake enforces it: a token bucket of <c>rate</c> tokens refilled at <c>rate</c> a second,
/// so any second takes at most <c>rate</c> sends beyond a one-second burst, and a sender that keeps to the rate is never refused.
/// </summary>
internal sealed class ThroughputLimit(int rate)
{
    private readonly Lock gate = new();
    private double tokens = rate;
    private long refilledAt = Stopwatch.GetTimestamp();

    public int Rate => rate;

    public bool TryTake()
    {
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            tokens = Math.Min(rate, tokens + (Stopwatch.GetElapsedTime(refilledAt, now).TotalSeconds * rate));
            refilledAt = now;
            if (tokens < 1)
            {
                return false;
            }

            tokens--;
            return true;
        }
    }
}
