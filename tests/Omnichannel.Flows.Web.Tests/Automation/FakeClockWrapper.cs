using Microsoft.Extensions.Time.Testing;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>The test clock as the app sees it, for clocks that change only how timers are set (override <see cref="CreateTimer"/>).</summary>
public abstract class FakeClockWrapper(FakeTimeProvider clock) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        clock.CreateTimer(callback, state, dueTime, period);
}
