using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Automation.Locks;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>Run locks shared by app instances through the database: one holder at a time; a dead holder's lease runs out.</summary>
public sealed class LeasedFlowInstanceLocksTests(AutomationAppFactory app) : IClassFixture<AutomationAppFactory>
{
    [Fact]
    public async Task SecondInstance_WaitsUntilTheFirstReleases()
    {
        var (first, second) = (NewLocks(), NewLocks());
        var run = Guid.NewGuid().ToString("N");

        var held = await first.AcquireAsync(run, CancellationToken.None);
        var waiting = second.AcquireAsync(run, CancellationToken.None).AsTask();
        var early = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(400)));
        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotSame(waiting, early);
    }

    [Fact]
    public async Task LeaseOfACrashedHolder_IsTakenOverOnceItExpires()
    {
        var run = Guid.NewGuid().ToString("N");
        await using (var db = await app.CreateDbContextAsync())
        {
            db.FlowInstanceLeases.Add(new FlowInstanceLease { InstanceId = run, Owner = Guid.NewGuid(), ExpiresAt = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(1) });
            await db.SaveChangesAsync();
        }

        var waiting = NewLocks().AcquireAsync(run, CancellationToken.None).AsTask();
        var early = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(400)));
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await using var held = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotSame(waiting, early);
    }

    private LeasedFlowInstanceLocks NewLocks() => new(
        app.Services.GetRequiredService<IDbContextFactory<FlowsDbContext>>(), app.Clock,
        Options.Create(new AutomationOptions()), NullLogger<LeasedFlowInstanceLocks>.Instance);
}
