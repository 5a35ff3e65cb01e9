using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>
/// The engine's <see cref="IFlowStore"/> on EF Core, as the engine's README asks: start decisions, steps and consumes go
/// through <see cref="FlowStoreWriter"/> (group commit, in order); appended steps return at once, commits and consumes
/// once durable; the consume is a conditional <c>DELETE … WHERE InstanceId = @i AND GroupId = @g</c> in the same transaction as the step.
/// </summary>
public sealed class EfFlowStore(IDbContextFactory<FlowsDbContext> dbs, FlowStoreWriter writer) : IFlowStore
{
    private static readonly Func<FlowsDbContext, string, string, IAsyncEnumerable<FlowBookmarkRecord>> Waiting =
        EF.CompileAsyncQuery<FlowsDbContext, string, string, FlowBookmarkRecord>((db, eventName, correlationKey) =>
            db.FlowBookmarks.AsNoTracking().Where(b => b.EventName == eventName && b.CorrelationKey == correlationKey).OrderBy(b => b.CreatedAt));

    /// <summary>The bookmarks waiting for <paramref name="eventName"/> about any of <paramref name="keys"/>, oldest first.</summary>
    internal static IQueryable<FlowBookmarkRecord> WaitingFor(FlowsDbContext db, string eventName, string[] keys) => db.FlowBookmarks.AsNoTracking()
        .Where(b => b.EventName == eventName && keys.Contains(b.CorrelationKey))
        .OrderBy(b => b.CreatedAt);

    private static readonly Func<FlowsDbContext, string, CancellationToken, Task<string?>> SnapshotOf =
        EF.CompileAsyncQuery((FlowsDbContext db, string id, CancellationToken _) =>
            db.FlowInstances.AsNoTracking().Where(i => i.Id == id).Select(i => i.Snapshot).FirstOrDefault());

    public async ValueTask<StartDecision> TryStartAsync(StartRequest request, CancellationToken cancellationToken) =>
        await writer.SubmitAsync(new StartWrite(request), cancellationToken);

    public async ValueTask<FlowInstance?> FindInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (writer.Buffered(instanceId) is { } buffered)
        {
            return buffered;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var snapshot = await SnapshotOf(db, instanceId, cancellationToken);
        return snapshot is null ? null : FlowSnapshots.Deserialize(snapshot);
    }

    public async ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string correlationKey, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var bookmarks = new List<Bookmark>();
        await foreach (var row in Waiting(db, eventName, correlationKey).WithCancellation(cancellationToken))
        {
            bookmarks.Add(FlowSnapshots.ToBookmark(row));
        }

        return bookmarks;
    }

    public async ValueTask<IReadOnlyDictionary<string, IReadOnlyList<Bookmark>>> FindEventBookmarksAsync(
        string eventName, IReadOnlyCollection<string> correlationKeys, CancellationToken cancellationToken)
    {
        if (correlationKeys.Count == 0)
        {
            return new Dictionary<string, IReadOnlyList<Bookmark>>();
        }

        string[] keys = [.. correlationKeys];
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var rows = await WaitingFor(db, eventName, keys).ToListAsync(cancellationToken);
        return rows.GroupBy(b => b.CorrelationKey!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, IReadOnlyList<Bookmark> (g) => [.. g.Select(FlowSnapshots.ToBookmark)], StringComparer.Ordinal);
    }

    public ValueTask AppendAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        writer.AppendAsync(new CheckpointWrite(checkpoint, awaited: false), cancellationToken);

    public async ValueTask CommitAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        await writer.SubmitAsync(new CheckpointWrite(checkpoint, awaited: true), cancellationToken);

    public async ValueTask<bool> TryConsumeAsync(Bookmark bookmark, FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        await writer.SubmitAsync(new ConsumeWrite(bookmark, checkpoint), cancellationToken);
}
