using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation;

/// <summary>
/// Batches of two events: while one batch is dispatched the next is claimed, and a batch is marked while the next one
/// runs; one contact's events still start their runs in the order they happened.
/// </summary>
public sealed class AutomationDispatchBatchesTests(AutomationDispatchBatchesTests.TwoPerBatchAppFactory app)
    : IClassFixture<AutomationDispatchBatchesTests.TwoPerBatchAppFactory>
{
    [Fact]
    public async Task OneContactsEvents_OverSeveralFullBatches_StartRunsInOrder_AndAreAllMarkedDispatched()
    {
        // Seven events at once (three full batches and one of one), written as the platform writes them.
        var (flowId, events) = await FlowAndEventsOfOneContactAsync("batches", 7);
        await using (var db = await app.CreateDbContextAsync())
        {
            db.AutomationEvents.AddRange(events);
            await db.SaveChangesAsync();
        }

        var runs = await app.WaitForAsync(() => app.RunsAsync(flowId), r => r.Count == 7 && r.All(run => app.Effects.CountFor(run.Id) == 1), "seven runs");
        await app.WaitForEventsDispatchedAsync(events[0].ContactId!.Value);

        var eventOfRun = runs.ToDictionary(r => r.Id, r => r.TriggerEventId);
        var started = app.Effects.Recorded.Where(r => eventOfRun.ContainsKey(r.InstanceId)).Select(r => eventOfRun[r.InstanceId]).ToList();
        Assert.Equal(events.Select(e => e.Id.ToString()), started);
        await using var check = await app.CreateDbContextAsync();
        var ids = events.Select(e => e.Id).ToList();
        Assert.Equal(7, await check.AutomationEvents.CountAsync(e => ids.Contains(e.Id) && e.State == AutomationEventState.Dispatched && e.LockedBy == null));
    }

    [Fact]
    public async Task ABatchThatWaitedPastItsLease_LeavesTheEventsAnotherInstanceClaimedMeanwhile_ToThatInstance()
    {
        // Two full batches: the second is claimed while the first is dispatched, and waits for it.
        var (flowId, events) = await FlowAndEventsOfOneContactAsync("lease", 4);
        List<Guid> first = [events[0].Id, events[1].Id];
        List<Guid> waiting = [events[2].Id, events[3].Id];
        var otherInstance = Guid.NewGuid();
        var once = 0;
        app.Effects.WhileRecording = async _ =>
        {
            if (Interlocked.Exchange(ref once, 1) == 1)
            {
                return;
            }

            // While the first batch runs, the second is claimed; its lease runs out, and another instance claims it.
            await using var db = await app.CreateDbContextAsync();
            await app.WaitForAsync(() => db.AutomationEvents.CountAsync(e => waiting.Contains(e.Id) && e.LockedBy != null), n => n == 2, "the second batch claimed");
            app.Clock.Advance(TimeSpan.FromMinutes(3));
            var now = app.Clock.GetUtcNow().UtcDateTime;
            await db.AutomationEvents.Where(e => waiting.Contains(e.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(e => e.LockedBy, otherInstance)
                .SetProperty(e => e.LockedUntil, now + TimeSpan.FromMinutes(2)));
        };

        try
        {
            await using (var db = await app.CreateDbContextAsync())
            {
                db.AutomationEvents.AddRange(events);
                await db.SaveChangesAsync();
            }

            // The first batch is marked once the second has been dispatched, or left.
            await using var check = await app.CreateDbContextAsync();
            await app.WaitForAsync(() => check.AutomationEvents.CountAsync(e => first.Contains(e.Id) && e.State == AutomationEventState.Dispatched), n => n == 2, "the first batch dispatched");

            var runs = await app.RunsAsync(flowId);
            Assert.Equal(first.Select(id => id.ToString()).Order(), runs.Select(r => r.TriggerEventId).Order());
            Assert.Equal(2, await check.AutomationEvents.CountAsync(e => waiting.Contains(e.Id) && e.State == AutomationEventState.Pending && e.LockedBy == otherInstance));
        }
        finally
        {
            app.Effects.WhileRecording = null;
        }
    }

    /// <summary>
    /// A flow started by a tag, a contact whose first message is dispatched, and <paramref name="count"/> unsaved events
    /// of that contact adding the tag, in order (the caller writes them, as the platform would).
    /// </summary>
    private async Task<(string FlowId, List<AutomationEvent> Events)> FlowAndEventsOfOneContactAsync(string stem, int count)
    {
        using var admin = await app.CreateAdminClientAsync();
        var tag = $"{stem}-{Guid.NewGuid():N}"[..20];
        var flowId = await app.PublishAsync(admin, TestFlows.Chain(TestFlows.NewId(stem), TestFlows.TagAdded(tag), TestFlows.Record()));
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "hello");
        await app.WaitForEventsDispatchedAsync(contactId);
        var occurredAt = app.Clock.GetUtcNow().UtcDateTime;
        return (flowId, [.. Enumerable.Range(0, count).Select(i => new AutomationEvent
        {
            Type = AutomationEventTypes.TagAdded,
            ContactId = contactId,
            Payload = $$"""{"tag":"{{tag}}"}""",
            OccurredAt = occurredAt.AddMilliseconds(i),
        })]);
    }

    public sealed class TwoPerBatchAppFactory : AutomationAppFactory
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            base.Configure(settings);
            settings["Automation:EventBatchSize"] = "2";
        }
    }
}
