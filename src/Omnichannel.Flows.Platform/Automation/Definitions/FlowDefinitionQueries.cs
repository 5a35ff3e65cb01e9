using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>A flow in the list.</summary>
public sealed record FlowSummary(
    string Id, string Name, string? Description, FlowState Status, int? PublishedVersion, int LatestVersion, DateTime UpdatedAt,
    FlowRunCounts Runs);

/// <summary>How many of a flow's runs are active now (running or waiting) and faulted (its dead letter, to retry or cancel).</summary>
public sealed record FlowRunCounts(int Active, int Faulted);

/// <summary>One version's state.</summary>
public sealed record FlowVersionSummary(int Version, FlowVersionState Status, DateTime CreatedAt, string? CreatedBy, DateTime? PublishedAt, string? PublishedBy);

/// <summary>A flow with its versions and the document of the latest one (the draft being edited, or the published one).</summary>
/// <param name="Revision">The flow's revision (<see cref="FlowRevision"/>): what an edit of it is based on.</param>
public sealed record FlowDetails(FlowSummary Flow, IReadOnlyList<FlowVersionSummary> Versions, JsonElement Definition, string Revision);

public sealed class FlowDefinitionQueries(IDbContextFactory<FlowsDbContext> dbs)
{
    public async Task<IReadOnlyList<FlowSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var flows = await db.Flows.AsNoTracking().OrderBy(f => f.Name).ThenBy(f => f.Id)
            .Select(f => new { f.Id, f.Name, f.Description, f.Status, f.PublishedVersion, Latest = f.Versions.Max(v => v.Version), f.UpdatedAt })
            .ToListAsync(cancellationToken);
        var active = await CountByFlowAsync(FlowRunQueries.Active(db), cancellationToken);
        var faulted = await CountByFlowAsync(FlowRunQueries.Faulted(db), cancellationToken);
        return [.. flows.Select(f => new FlowSummary(f.Id, f.Name, f.Description, f.Status, f.PublishedVersion, f.Latest, f.UpdatedAt,
            new FlowRunCounts(active.GetValueOrDefault(f.Id), faulted.GetValueOrDefault(f.Id))))];
    }

    internal static IQueryable<KeyValuePair<string, int>> CountByFlow(IQueryable<FlowInstanceRecord> runs) =>
        runs.GroupBy(i => i.FlowId).Select(g => new KeyValuePair<string, int>(g.Key, g.Count()));

    private static async Task<Dictionary<string, int>> CountByFlowAsync(IQueryable<FlowInstanceRecord> runs, CancellationToken cancellationToken) =>
        (await CountByFlow(runs).ToListAsync(cancellationToken)).ToDictionary();

    /// <summary>The flow as it stands (no versions, no document): what a page about its runs heads with.</summary>
    public async Task<FlowSummary?> GetSummaryAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await SummaryAsync(db, id, cancellationToken);
    }

    /// <summary>The flow with its versions (newest first) and the document of the latest one: only that document is read.</summary>
    public async Task<FlowDetails?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (await SummaryAsync(db, id, cancellationToken) is not { } flow)
        {
            return null;
        }

        var versions = await VersionsAsync(db, id, cancellationToken);
        var latest = await db.FlowVersions.AsNoTracking().Where(v => v.FlowId == id && v.Version == flow.LatestVersion)
            .Select(v => v.Json).FirstAsync(cancellationToken);
        return new FlowDetails(flow, versions, JsonSerializer.Deserialize<JsonElement>(latest), FlowRevision.Of(flow.LatestVersion, latest));
    }

    /// <summary>The flow's versions, newest first, without their documents (empty when there is no such flow).</summary>
    public async Task<IReadOnlyList<FlowVersionSummary>> GetVersionsAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await VersionsAsync(db, id, cancellationToken);
    }

    private static Task<List<FlowVersionSummary>> VersionsAsync(FlowsDbContext db, string id, CancellationToken cancellationToken) =>
        db.FlowVersions.AsNoTracking().Where(v => v.FlowId == id).OrderByDescending(v => v.Version)
            .Select(v => new FlowVersionSummary(v.Version, v.Status, v.CreatedAt, v.CreatedBy, v.PublishedAt, v.PublishedBy))
            .ToListAsync(cancellationToken);

    /// <returns>Null when there is no such flow, or it has no version.</returns>
    private static async Task<FlowSummary?> SummaryAsync(FlowsDbContext db, string id, CancellationToken cancellationToken)
    {
        var flow = await db.Flows.AsNoTracking().Where(f => f.Id == id && f.Versions.Any())
            .Select(f => new { f.Id, f.Name, f.Description, f.Status, f.PublishedVersion, Latest = f.Versions.Max(v => v.Version), f.UpdatedAt })
            .FirstOrDefaultAsync(cancellationToken);
        return flow is null
            ? null
            : new FlowSummary(flow.Id, flow.Name, flow.Description, flow.Status, flow.PublishedVersion, flow.Latest, flow.UpdatedAt,
                new FlowRunCounts(
                    await FlowRunQueries.Active(db).CountAsync(i => i.FlowId == id, cancellationToken),
                    await FlowRunQueries.Faulted(db).CountAsync(i => i.FlowId == id, cancellationToken)));
    }
}
