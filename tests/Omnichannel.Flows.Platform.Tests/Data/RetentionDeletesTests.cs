using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>
/// The daily purges find what they delete through an index (SQLite's plan, not a scan of a table that grows by rows per
/// message) and delete it a chunk at a time, each chunk in its own write turn.
/// </summary>
public sealed class RetentionDeletesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Cutoff = new(2026, 10, 27, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Purges => ["deliveries", "automation events", "trigger-event ids", "ended runs"];

    [Theory]
    [MemberData(nameof(Purges))]
    public async Task WhatAPurgeDeletes_IsFoundThroughAnIndex(string purge)
    {
        await using var db = database.CreateContext();
        var (table, query) = purge switch
        {
            "deliveries" => ("InboundEvents", InboundEventRetention.Expired(db, Cutoff).ToQueryString()),
            "automation events" => ("AutomationEvents", AutomationRetention.ExpiredEvents(db, Cutoff).ToQueryString()),
            "trigger-event ids" => ("FlowTriggerEvents", AutomationRetention.ExpiredTriggerEvents(db, Cutoff).ToQueryString()),
            _ => ("FlowInstances", AutomationRetention.ExpiredRuns(db, "a-flow", Cutoff).ToQueryString()),
        };

        var plan = await QueryPlans.PlanAsync(db, query);

        var steps = plan.Where(step => step.Contains(table, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, step => Assert.Contains("USING", step, StringComparison.Ordinal));
        Assert.DoesNotContain(steps, step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APurge_DeletesEveryExpiredRow_AChunkAtATime_AndNothingElse()
    {
        var old = Cutoff.AddDays(-1);
        await using (var db = database.CreateContext())
        {
            db.InboundEvents.AddRange(
            [
                .. Enumerable.Range(0, 5).Select(i => Delivery($"old-{i}", old, i % 2 == 0 ? InboundEventState.Processed : InboundEventState.Failed)),
                Delivery("old-pending", old, InboundEventState.Pending),
                Delivery("recent", Cutoff.AddDays(1), InboundEventState.Processed),
            ]);
            await db.SaveChangesAsync();
        }

        int deleted;
        await using (var db = database.CreateContext())
        {
            deleted = await InboundEventRetention.Expired(db, Cutoff).DeleteInTurnsAsync(db, new DatabaseWriteGate(), CancellationToken.None, chunkSize: 2);
        }

        await using var check = database.CreateContext();
        Assert.Equal(5, deleted);
        Assert.Equal(["old-pending", "recent"], await check.InboundEvents.OrderBy(e => e.DedupeKey).Select(e => e.DedupeKey).ToListAsync());
        // A delivery's body goes with it (cascade): none is left without its delivery.
        Assert.Equal(["old-pending", "recent"], await check.InboundEventBodies
            .Join(check.InboundEvents, b => b.Id, e => e.Id, (b, e) => e.DedupeKey).OrderBy(key => key).ToListAsync());
        Assert.Equal(2, await check.InboundEventBodies.CountAsync());
    }

    private static InboundEvent Delivery(string key, DateTime receivedAt, InboundEventState state) => new()
    {
        Channel = ChannelKind.Telegram,
        DedupeKey = key,
        ContentType = "application/json",
        Payload = "{}"u8.ToArray(),
        ReceivedAt = receivedAt,
        State = state,
    };
}
