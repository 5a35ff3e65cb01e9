using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Tests.Data;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>
/// A resume's consume (<see cref="FlowStoreCommands.DeleteBookmarkGroupAsync"/>): the bookmark group one step created goes,
/// found through its run's bookmarks; groups have no index of their own.
/// </summary>
public sealed class BookmarkGroupDeleteTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task TheGroup_Goes_TheRunsOtherGroupsAndOtherRunsStay()
    {
        await SeedAsync("run-a", "run-b");
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        using var sql = new FlowStoreCommands(db);

        var deleted = await sql.DeleteBookmarkGroupAsync("run-a", "run-a:1", CancellationToken.None);
        var again = await sql.DeleteBookmarkGroupAsync("run-a", "run-a:1", CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal(0, again);
        Assert.Equal(["run-a:2:0", "run-b:1:0", "run-b:1:1"],
            await db.FlowBookmarks.Where(b => b.InstanceId == "run-a" || b.InstanceId == "run-b").Select(b => b.Id).OrderBy(id => id).ToListAsync());
    }

    [Fact]
    public async Task TheConsume_GoesThroughTheRunsBookmarks()
    {
        await SeedAsync("run-c");
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        using var sql = new FlowStoreCommands(db);
        await sql.DeleteBookmarkGroupAsync("run-c", "run-c:1", CancellationToken.None);

        var plan = await QueryPlans.PlanAsync(db, Assert.Single(sql.Texts));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_FlowBookmarks_InstanceId (InstanceId=?)", StringComparison.Ordinal));
    }

    /// <summary>Per run: group 1 (a step that waits for a reply with a timeout: two bookmarks) and, for run-a, group 2.</summary>
    private async Task SeedAsync(params string[] runs)
    {
        await using var db = database.CreateContext();
        foreach (var run in runs)
        {
            db.FlowBookmarks.AddRange(Bookmark(run, 1, 0, BookmarkKind.Event), Bookmark(run, 1, 1, BookmarkKind.Timer));
            if (run == "run-a")
            {
                db.FlowBookmarks.Add(Bookmark(run, 2, 0, BookmarkKind.Timer));
            }
        }

        await db.SaveChangesAsync();
    }

    private static FlowBookmarkRecord Bookmark(string run, int sequence, int index, BookmarkKind kind) => new()
    {
        Id = $"{run}:{sequence}:{index}",
        GroupId = $"{run}:{sequence}",
        InstanceId = run,
        FlowId = "bookmark-groups",
        NodeId = "wait",
        Kind = kind,
        Port = kind == BookmarkKind.Timer ? "timedOut" : "replied",
        DueAt = kind == BookmarkKind.Timer ? new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc) : null,
        EventName = kind == BookmarkKind.Event ? "message.received" : null,
        CorrelationKey = kind == BookmarkKind.Event ? "contact" : null,
        CreatedAt = new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc),
    };
}
