using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>The version new starts of a flow use: the one published on an active flow (one indexed lookup).</summary>
public sealed class PublishedFlows(IDbContextFactory<FlowsDbContext> dbs) : IPublishedFlows
{
    public async ValueTask<int?> LatestVersionAsync(string flowId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Flows.AsNoTracking()
            .Where(f => f.Id == flowId && f.Status == FlowState.Active)
            .Select(f => f.PublishedVersion)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
