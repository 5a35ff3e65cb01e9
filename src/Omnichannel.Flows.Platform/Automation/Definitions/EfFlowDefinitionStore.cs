using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Platform.Automation.WarmUp;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>
/// The engine's <see cref="IFlowDefinitionStore"/>: published versions only (drafts never run), and the built-in
/// <see cref="FlowWarmUp"/> flow, which is not stored. The compiled-flow cache asks once per version.
/// </summary>
public sealed class EfFlowDefinitionStore(IDbContextFactory<FlowsDbContext> dbs) : IFlowDefinitionStore
{
    public async ValueTask<FlowDefinition?> FindAsync(string flowId, int version, CancellationToken cancellationToken)
    {
        if (flowId == FlowWarmUp.FlowId)
        {
            return version == FlowWarmUp.Version ? FlowWarmUp.Definition : null;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var json = await db.FlowVersions.AsNoTracking()
            .Where(v => v.FlowId == flowId && v.Version == version && v.Status == FlowVersionState.Published)
            .Select(v => v.Json)
            .FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : FlowJsonReader.Read(json);
    }
}
