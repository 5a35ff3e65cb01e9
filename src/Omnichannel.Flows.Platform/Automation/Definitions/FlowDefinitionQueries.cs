using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>A flow in the list.</summary>
public sealed record FlowSummary(
    string Id, string Name, string? Description, FlowState Status, int? PublishedVersion, int LatestVersion, DateTime UpdatedAt);

/// <summary>One version's state.</summary>
public sealed record FlowVersionSummary(int Version, FlowVersionState Status, DateTime CreatedAt, string? CreatedBy, DateTime? PublishedAt, string? PublishedBy);

/// <summary>A flow with its versions and the document of the latest one (the draft being edited, or the published one).</summary>
public sealed record FlowDetails(FlowSummary Flow, IReadOnlyList<FlowVersionSummary> Versions, JsonElement Definition);

public sealed class FlowDefinitionQueries(IDbContextFactory<FlowsDbContext> dbs)
{
    public async Task<IReadOnlyList<FlowSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Flows.AsNoTracking().OrderBy(f => f.Name).ThenBy(f => f.Id)
            .Select(f => new FlowSummary(f.Id, f.Name, f.Description, f.Status, f.PublishedVersion, f.Versions.Max(v => v.Version), f.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<FlowDetails?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var flow = await db.Flows.AsNoTracking().Include(f => f.Versions).FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (flow is null || flow.Versions.Count == 0)
        {
            return null;
        }

        var versions = flow.Versions.OrderByDescending(v => v.Version).ToList();
        return new FlowDetails(
            new FlowSummary(flow.Id, flow.Name, flow.Description, flow.Status, flow.PublishedVersion, versions[0].Version, flow.UpdatedAt),
            versions.Select(v => new FlowVersionSummary(v.Version, v.Status, v.CreatedAt, v.CreatedBy, v.PublishedAt, v.PublishedBy)).ToList(),
            JsonSerializer.Deserialize<JsonElement>(versions[0].Json));
    }
}
