using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Tests.Data;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>
/// Tables the flow store writes for every run are stored in their key's order (<c>WITHOUT ROWID</c>, created by hand in
/// migrations, which EF cannot declare): the journal by run then step, so a run's entries are read and deleted as one
/// range of the key and an entry writes one b-tree; the trigger-event ids a start dedupes on by flow then event.
/// </summary>
public sealed class FlowStoreLayoutTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Theory]
    [InlineData("FlowJournal", "\"InstanceId\", \"Sequence\", \"Id\"", "sqlite_autoindex_FlowJournal_1:pk")]
    [InlineData("FlowTriggerEvents", "\"FlowId\", \"EventId\"", "IX_FlowTriggerEvents_SeenAt:c,sqlite_autoindex_FlowTriggerEvents_1:pk")]
    public async Task TheTable_IsStoredInTheOrderOfItsKey_WithOnlyTheIndexesItsQueriesUse(string table, string key, string indexes)
    {
        await using var db = database.CreateContext();

        var definition = await ScalarAsync(db, $"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'");
        var found = await ScalarAsync(db, $"SELECT group_concat(name || ':' || origin) FROM (SELECT name, origin FROM pragma_index_list('{table}') ORDER BY name)");

        Assert.EndsWith("WITHOUT ROWID", definition.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains($"PRIMARY KEY ({key})", definition, StringComparison.Ordinal);
        Assert.Equal(indexes, found);
    }

    [Fact]
    public async Task ARunsJournal_IsReadAndDeletedThroughTheKey()
    {
        await using var db = database.CreateContext();
        var runs = db.FlowInstances.Where(i => i.FlowId == "reminder" && i.SubjectId == "contact-1");

        var read = await QueryPlans.PlanAsync(db, FlowRunQueries.JournalOf(db, "0193a5d0"));
        var deleted = await QueryPlans.PlanAsync(db, db.FlowJournal.Where(j => runs.Select(i => i.Id).Contains(j.InstanceId)));

        Assert.Contains(read, ThroughTheKey);
        Assert.Contains(deleted, ThroughTheKey);
        Assert.DoesNotContain(deleted, step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains("json_each", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EntriesOfOneStep_AreKeptApartByTheirIds_AndReadInTheOrderTheyHappened()
    {
        var runId = Guid.CreateVersion7().ToString("N");
        var at = new DateTime(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc);
        await using (var db = database.CreateContext())
        {
            // A start the run's concurrency turned away is journaled at the run's current step, after that step.
            db.FlowJournal.AddRange(
                new FlowJournalRecord { InstanceId = runId, Sequence = 2, At = at.AddSeconds(5), Kind = FlowJournalKind.StartSkipped, NodeId = "trigger" },
                new FlowJournalRecord { InstanceId = runId, Sequence = 2, At = at.AddSeconds(1), NodeId = "wait" },
                new FlowJournalRecord { InstanceId = runId, Sequence = 1, At = at, NodeId = "trigger" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var check = database.CreateContext();
        var journal = await FlowRunQueries.JournalOf(check, runId).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal([(1L, "trigger", FlowJournalKind.Step), (2L, "wait", FlowJournalKind.Step), (2L, "trigger", FlowJournalKind.StartSkipped)],
            journal.Select(j => (j.Sequence, j.NodeId, j.Kind)));
    }

    private static bool ThroughTheKey(string step) =>
        step.StartsWith("SEARCH ", StringComparison.Ordinal) && step.EndsWith(" USING PRIMARY KEY (InstanceId=?)", StringComparison.Ordinal);

    private static async Task<string> ScalarAsync(DbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
