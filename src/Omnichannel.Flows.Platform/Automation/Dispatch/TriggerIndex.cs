using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// Which trigger nodes of which live flows listen to what: for the set of active flows' published versions, every
/// trigger node by type with its filter (parsed inputs). Rebuilt only when that set changes — one small query per
/// look-up tells, so a publish or disable on another app instance is seen too.
/// </summary>
public sealed class TriggerIndex(IDbContextFactory<FlowsDbContext> dbs, CompiledFlowCache flows, ILogger<TriggerIndex> logger)
{
    private readonly SemaphoreSlim building = new(1, 1);
    private TriggerSet current = TriggerSet.Empty;

    public async ValueTask<TriggerSet> GetAsync(CancellationToken cancellationToken)
    {
        List<(string Id, int Version)> live;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            live = (await db.Flows.AsNoTracking()
                    .Where(f => f.Status == FlowState.Active && f.PublishedVersion != null)
                    .Select(f => new { f.Id, f.PublishedVersion })
                    .ToListAsync(cancellationToken))
                .Select(f => (f.Id, f.PublishedVersion!.Value))
                .OrderBy(f => f.Id, StringComparer.Ordinal)
                .ToList();
        }

        var key = string.Join('\n', live.Select(f => $"{f.Id}@{f.Version}"));
        if (current.Key == key)
        {
            return current;
        }

        await building.WaitAsync(cancellationToken);
        try
        {
            if (current.Key != key)
            {
                current = await BuildAsync(key, live, cancellationToken);
            }

            return current;
        }
        finally
        {
            building.Release();
        }
    }

    private async Task<TriggerSet> BuildAsync(string key, List<(string Id, int Version)> live, CancellationToken cancellationToken)
    {
        var entries = new List<TriggerEntry>();
        foreach (var (id, version) in live)
        {
            try
            {
                var flow = await flows.GetAsync(id, version, cancellationToken);
                entries.AddRange(flow.Triggers.Select(node => new TriggerEntry(id, version, node, TriggerFilter.For(node))));
            }
            catch (Exception exception) when (exception is FlowNotFoundException or InvalidFlowException)
            {
                // E.g. an activity the version uses is no longer registered: the flow starts nothing until republished.
                logger.LogError(exception, "Flow {FlowId} v{Version} cannot run; its triggers are not listened to", id, version);
            }
        }

        logger.LogInformation("Listening to {TriggerCount} triggers of {FlowCount} live flows", entries.Count, live.Count);
        return new TriggerSet(key, live.ToFrozenDictionary(f => f.Id, f => f.Version, StringComparer.Ordinal), entries);
    }
}

/// <summary>One trigger node of a live flow version.</summary>
public sealed record TriggerEntry(string FlowId, int Version, CompiledNode Node, TriggerFilter Filter)
{
    public string NodeId => Node.Id;

    public string Type => Node.Descriptor.Type;
}

/// <summary>An immutable snapshot of the live flows and their triggers.</summary>
public sealed class TriggerSet
{
    public static readonly TriggerSet Empty = new("\0", FrozenDictionary<string, int>.Empty, []);

    private readonly FrozenDictionary<string, int> live;
    private readonly FrozenDictionary<string, TriggerEntry[]> byType;
    private readonly FrozenDictionary<(string FlowId, string NodeId), TriggerEntry> byNode;

    internal TriggerSet(string key, FrozenDictionary<string, int> live, IReadOnlyList<TriggerEntry> entries)
    {
        Key = key;
        this.live = live;
        byType = entries.GroupBy(e => e.Type, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        byNode = entries.ToFrozenDictionary(e => (e.FlowId, e.NodeId));
    }

    internal string Key { get; }

    public IReadOnlyList<TriggerEntry> For(string type) => byType.TryGetValue(type, out var entries) ? entries : [];

    public TriggerEntry? Find(string flowId, string nodeId) => byNode.GetValueOrDefault((flowId, nodeId));

    /// <summary>The flow is active and published (its runs may go on).</summary>
    public bool IsLive(string flowId) => live.ContainsKey(flowId);
}
