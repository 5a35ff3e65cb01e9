using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>The daily job that keeps automation's bookkeeping from growing for ever.</summary>
public sealed class AutomationRetentionTests(FlowsAppFactory app) : IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task OldDispatchedEvents_AndOldTriggerEventIds_Go_PendingAndRecentOnesStay()
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var flowId = TestFlows.NewId("retention");
        AutomationEvent Event(AutomationEventState state, DateTime at) => new()
        {
            Type = AutomationEventTypes.MessageReceived, State = state, OccurredAt = at, DispatchedAt = state == AutomationEventState.Pending ? null : at,
        };
        var oldDispatched = Event(AutomationEventState.Dispatched, now.AddDays(-31));
        var oldFailed = Event(AutomationEventState.Failed, now.AddDays(-40));
        var oldPending = Event(AutomationEventState.Pending, now.AddDays(-31));
        var recent = Event(AutomationEventState.Dispatched, now.AddDays(-29));
        await using (var db = await app.CreateDbContextAsync())
        {
            db.AutomationEvents.AddRange(oldDispatched, oldFailed, oldPending, recent);
            db.FlowTriggerEvents.AddRange(
                new FlowTriggerEventRecord { FlowId = flowId, EventId = "old", SeenAt = now.AddDays(-31) },
                new FlowTriggerEventRecord { FlowId = flowId, EventId = "recent", SeenAt = now.AddDays(-1) });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AutomationRetention>().PurgeAsync(TestContext.Current.CancellationToken);
        }

        await using var check = await app.CreateDbContextAsync();
        Guid[] ids = [oldDispatched.Id, oldFailed.Id, oldPending.Id, recent.Id];
        var left = await check.AutomationEvents.Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new[] { oldPending.Id, recent.Id }.Order(), left.Order());
        Assert.Equal(["recent"], await check.FlowTriggerEvents.Where(e => e.FlowId == flowId).Select(e => e.EventId).ToListAsync(TestContext.Current.CancellationToken));
    }
}
