using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>
/// The daily purge deletes runs that finished or were cancelled before the retention cutoff, with their journal, and
/// keeps the dead letter (faulted runs), runs still waiting, and runs that ended after the cutoff.
/// </summary>
public sealed class RunRetentionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Cutoff = new(2026, 10, 27, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task ThePurge_DeletesRunsThatEndedBeforeTheCutoff_WithTheirJournal_AChunkAtATime()
    {
        await SeedAsync("chunks",
            Run("finished-long-ago", created: -10, updated: -9, FlowStatus.Finished),
            Run("cancelled-before", created: -3, updated: -1, FlowStatus.Cancelled),
            Run("finished-1", created: -2, updated: -2, FlowStatus.Finished),
            Run("finished-2", created: -2, updated: -2, FlowStatus.Finished),
            Run("faulted-long-ago", created: -10, updated: -10, FlowStatus.Faulted),
            Run("waiting-since-long-ago", created: -10, updated: -10, FlowStatus.Suspended),
            Run("running-since-long-ago", created: -10, updated: -10, FlowStatus.Running),
            Run("ended-after-the-cutoff", created: -5, updated: +1, FlowStatus.Finished),
            Run("started-after-the-cutoff", created: +1, updated: +1, FlowStatus.Finished));
        await SeedAsync("other-flow", Run("other-finished", created: -4, updated: -4, FlowStatus.Finished));

        int deleted;
        await using (var db = database.CreateContext())
        {
            deleted = await Retention(db, Cutoff).PurgeRunsAsync(Cutoff, chunkSize: 2, CancellationToken.None);
        }

        Assert.Equal(5, deleted);
        Assert.Equal(
            ["ended-after-the-cutoff", "faulted-long-ago", "running-since-long-ago", "started-after-the-cutoff", "waiting-since-long-ago"],
            await RemainingAsync("chunks"));
        Assert.Empty(await RemainingAsync("other-flow"));
    }

    [Fact]
    public async Task TheDailyJob_KeepsRunsForRunRetentionDays()
    {
        var now = Cutoff.AddDays(7);
        await SeedAsync("daily",
            Run("ended-8-days-ago", created: -1, updated: -1, FlowStatus.Finished),
            Run("ended-6-days-ago", created: +1, updated: +1, FlowStatus.Finished));

        await using (var db = database.CreateContext())
        {
            await Retention(db, now, runRetentionDays: 7).PurgeAsync(CancellationToken.None);
        }

        Assert.Equal(["ended-6-days-ago"], await RemainingAsync("daily"));
    }

    private static AutomationRetention Retention(FlowsDbContext db, DateTime now, int runRetentionDays = 30) => new(
        db, new DatabaseWriteGate(), new FakeTimeProvider(now), Options.Create(new AutomationOptions { RunRetentionDays = runRetentionDays }),
        NullLogger<AutomationRetention>.Instance);

    /// <summary>The names of the runs of <paramref name="flowId"/> left; the journal rows left are those of these runs.</summary>
    private async Task<List<string>> RemainingAsync(string flowId)
    {
        await using var db = database.CreateContext();
        var prefix = $"{flowId}/";
        var runs = await db.FlowInstances.Where(i => i.FlowId == flowId).Select(i => i.Id).ToListAsync();
        var journaled = await db.FlowJournal.Where(j => j.InstanceId.StartsWith(prefix)).Select(j => j.InstanceId).Distinct().ToListAsync();
        Assert.Equal(runs.Order(StringComparer.Ordinal), journaled.Order(StringComparer.Ordinal));
        return [.. runs.Select(id => id[prefix.Length..]).Order(StringComparer.Ordinal)];
    }

    private async Task SeedAsync(string flowId, params (string Name, int Created, int Updated, FlowStatus Status)[] runs)
    {
        await using var db = database.CreateContext();
        foreach (var (name, created, updated, status) in runs)
        {
            var id = $"{flowId}/{name}";
            db.FlowInstances.Add(new FlowInstanceRecord
            {
                Id = id,
                FlowId = flowId,
                Version = 1,
                Status = status,
                TriggerEventId = $"event-{id}",
                Snapshot = "{}",
                CreatedAt = Cutoff.AddDays(created),
                UpdatedAt = Cutoff.AddDays(updated),
            });
            db.FlowJournal.AddRange(
                new FlowJournalRecord { InstanceId = id, Sequence = 1, At = Cutoff.AddDays(created), NodeId = "trigger" },
                new FlowJournalRecord { InstanceId = id, Sequence = 2, At = Cutoff.AddDays(updated), NodeId = "end" });
        }

        await db.SaveChangesAsync();
    }

    private static (string Name, int Created, int Updated, FlowStatus Status) Run(string name, int created, int updated, FlowStatus status) =>
        (name, created, updated, status);
}
