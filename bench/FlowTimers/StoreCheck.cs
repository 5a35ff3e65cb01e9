using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Bench.FlowTimers;

/// <summary>
/// What the app's database says after the run about the bench flow's runs (not the app's own warm-up runs): runs by status, timer rows left (the far ones still pending and
/// unclaimed, none of the due ones left), and from the journal whether any run's wait was resumed twice (a bookmark
/// consumed twice) or its HTTP step ran twice (a step re-run after the kill, with the same idempotency key).
/// </summary>
internal sealed record StoreCheck(
    IReadOnlyDictionary<string, int> RunsByStatus, int Bookmarks, int FarBookmarks, int FarClaimed, int DueBookmarksLeft,
    int RunsResumedTwice, int RunsCalledTwice)
{
    public static async Task<StoreCheck> RunAsync(string file, DateTime dueB)
    {
        var options = new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={file};Mode=ReadOnly;Pooling=False").Options;
        await using var db = new SqliteFlowsDbContext(options);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        var runs = db.FlowInstances.AsNoTracking().Where(i => i.FlowId == TemplateCommand.FlowId);
        var byStatus = await runs.GroupBy(i => i.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        var farFrom = dueB.AddHours(1);
        var timers = db.FlowBookmarks.Where(b => b.FlowId == TemplateCommand.FlowId);
        var bookmarks = await timers.CountAsync();
        var far = await timers.CountAsync(b => b.DueAt >= farFrom);
        var farClaimed = await timers.CountAsync(b => b.DueAt >= farFrom && b.FiringBy != null);
        var dueLeft = await timers.CountAsync(b => b.DueAt < farFrom);
        var journal = db.FlowJournal.AsNoTracking().Where(j => runs.Any(i => i.Id == j.InstanceId));
        var resumedTwice = await journal.Where(j => j.NodeId == "wait" && j.Resumed).GroupBy(j => j.InstanceId).CountAsync(g => g.Count() > 1);
        var calledTwice = await journal.Where(j => j.NodeId == "call").GroupBy(j => j.InstanceId).CountAsync(g => g.Count() > 1);
        return new StoreCheck(byStatus.ToDictionary(s => s.Key.ToString().ToLowerInvariant(), s => s.Count), bookmarks, far, farClaimed, dueLeft,
            resumedTwice, calledTwice);
    }

    public int Status(FlowStatus status) => RunsByStatus.GetValueOrDefault(status.ToString().ToLowerInvariant());
}
