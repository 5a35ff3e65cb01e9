using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Automation.Timers;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>
/// Indexes that hold only the rows their queries look for (a customer's message is in none of them, a finished or waiting
/// run is not among the running ones): the queries still go through them.
/// </summary>
public sealed class PartialIndexesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task TheTimerPumpsLookForRunsACrashLeftRunning_GoesThroughTheRunningRunsIndex()
    {
        await using var db = database.CreateContext();

        var plan = await QueryPlans.PlanAsync(db, FlowTimerPump.StaleRuns(db, new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc), 200));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_FlowInstances_Status_UpdatedAt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFlowsDeadLetter_IsListedAndRetriedThroughTheFaultedRunsIndex_InItsOrder()
    {
        await using var db = database.CreateContext();
        var cursor = new FlowRunCursor(new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc), "0193a5d0");
        var faulted = await FlowRunQueries.MatchingAsync(db, "reminder", new FlowRunFilter(FlowStatus.Faulted), TestContext.Current.CancellationToken);
        var retried = await FaultedRunRetries.FaultedAsync(db, "reminder", null, cursor.CreatedAt, TestContext.Current.CancellationToken);

        foreach (var query in new[] { FlowRunQueries.Newest(faulted, null), FlowRunQueries.Newest(faulted, cursor), FaultedRunRetries.Oldest(retried, cursor) })
        {
            var plan = await QueryPlans.PlanAsync(db, query.Take(51));

            Assert.Contains(plan, step => step.Contains("USING INDEX IX_FlowInstances_Faulted (FlowId=?", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task CountingAndCancellingFlowsActiveAndFaultedRuns_GoesThroughTheirPartialIndexes()
    {
        await using var db = database.CreateContext();

        var active = await QueryPlans.PlanAsync(db, FlowDefinitionQueries.CountByFlow(FlowRunQueries.Active(db)));
        var faulted = await QueryPlans.PlanAsync(db, FlowDefinitionQueries.CountByFlow(FlowRunQueries.Faulted(db)));
        var cancelled = await QueryPlans.PlanAsync(db, DisabledFlowRuns.Active(db, "reminder"));

        Assert.Contains(active, step => step.Contains("USING INDEX IX_FlowInstances_FlowId_SubjectId", StringComparison.Ordinal));
        Assert.Contains(faulted, step => step.Contains("IX_FlowInstances_Faulted", StringComparison.Ordinal));
        Assert.Contains(cancelled, step => step.Contains("USING INDEX IX_FlowInstances_FlowId_SubjectId (FlowId=?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABroadcastsProgress_FindsItsMessagesThroughTheBroadcastIndex()
    {
        await using var db = database.CreateContext();

        var plan = await QueryPlans.PlanAsync(db, BroadcastProgressQuery.MessagesOf(db, Guid.CreateVersion7()));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_Messages_BroadcastId_Status", StringComparison.Ordinal)
                                      || step.Contains("USING COVERING INDEX IX_Messages_BroadcastId_Status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTimerPumpsNextWake_GoesThroughTheClaimIndex_InDueOrder()
    {
        await using var db = database.CreateContext();

        var plan = await QueryPlans.PlanAsync(db, FlowTimerPump.NextWaitTimer(db));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_FlowBookmarks_FiringUntil_DueAt", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRunsWaitingForTheContactsReplies_AreFoundThroughTheEventIndex()
    {
        await using var db = database.CreateContext();

        var plan = await QueryPlans.PlanAsync(db, EfFlowStore.WaitingFor(db, "message.received", ["0193a5d0-0000-7000-8000-00000000a001"]));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_FlowBookmarks_EventName_CorrelationKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSendStatusIndex_HoldsOnlyMessagesWeSend()
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT \"partial\" FROM pragma_index_list('Messages') WHERE name = 'IX_Messages_Status_NextAttemptAt'";

        var partial = await command.ExecuteScalarAsync();

        Assert.Equal(1L, partial);
    }

    [Fact]
    public async Task TheOutboxsStuckAndOverdueSends_AreFoundThroughTheSendStatusIndex()
    {
        await using var db = database.CreateContext();
        var now = new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);

        var stuck = await QueryPlans.PlanAsync(db, OutboxRecovery.Stuck(db, now));
        var overdue = await QueryPlans.PlanAsync(db, OutboxRecovery.Overdue(db, now));

        Assert.Contains(stuck, step => step.Contains("USING INDEX IX_Messages_Status_NextAttemptAt (Status=?", StringComparison.Ordinal));
        Assert.Contains(overdue, step => step.Contains("USING INDEX IX_Messages_Status_NextAttemptAt (Status=?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheMessagesAReadWatermarkMarksRead_AreFoundThroughTheCustomersIdentity()
    {
        await using var db = database.CreateContext();

        var plan = await QueryPlans.PlanAsync(db,
            DeliveryStatusRecorder.SentUnreadTo(db, Guid.CreateVersion7(), new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc)));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_Messages_ChannelIdentityId_SentAt (ChannelIdentityId=?", StringComparison.Ordinal));
    }
}
