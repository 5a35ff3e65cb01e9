using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>
/// Deletes runs with every row that belongs to them: journal, bookmarks (their timers with them), lock leases, then the
/// runs. A run deleted while it runs or waits ends there: its next step or resume finds no row and writes nothing, as
/// for a cancelled run. Call it inside the caller's transaction, so the runs go whole or not at all.
/// </summary>
internal static class FlowRunDeletion
{
    /// <returns>How many runs were deleted.</returns>
    public static async Task<int> DeleteAsync(FlowsDbContext db, IQueryable<FlowInstanceRecord> runs, CancellationToken cancellationToken)
    {
        // Each table through its index by run.
        var ids = runs.Select(i => i.Id);
        await db.FlowJournal.Where(j => ids.Contains(j.InstanceId)).ExecuteDeleteAsync(cancellationToken);
        await db.FlowBookmarks.Where(b => ids.Contains(b.InstanceId)).ExecuteDeleteAsync(cancellationToken);
        await db.FlowInstanceLeases.Where(l => ids.Contains(l.InstanceId)).ExecuteDeleteAsync(cancellationToken);
        return await runs.ExecuteDeleteAsync(cancellationToken);
    }
}
