using Microsoft.Extensions.DependencyInjection;
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

/// <summary>An automation app whose clock is a <typeparamref name="TClock"/> made around the test clock by <c>wrap</c>.</summary>
public abstract class WrappedClockAppFactory<TClock>(Func<FakeTimeProvider, TClock> wrap) : AutomationAppFactory where TClock : FakeClockWrapper
{
    public TClock WrappedClock => Services.GetRequiredService<TClock>();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(_ => wrap(Clock));
        services.AddSingleton<TimeProvider>(provider => provider.GetRequiredService<TClock>());
    }
}
