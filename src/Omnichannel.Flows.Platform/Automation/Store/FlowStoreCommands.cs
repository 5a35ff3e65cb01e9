using Microsoft.EntityFrameworkCore.Metadata;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>
/// The store's hot statements as plain commands inside one <see cref="FlowStoreWriter"/> transaction
/// (<see cref="PreparedCommands"/>): a step is an update of the run's row, a journal insert and bookmark changes,
/// thousands a second.
/// </summary>
internal sealed class FlowStoreCommands(FlowsDbContext db) : IDisposable
{
    private readonly PreparedCommands commands = new(db);

    public FlowsDbContext Db => db;

    /// <summary>Inserts <paramref name="row"/> with every mapped column.</summary>
    public Task<int> InsertAsync<TRow>(TRow row, CancellationToken cancellationToken) where TRow : class =>
        commands.InsertAsync(row, cancellationToken);

    /// <summary>Inserts <paramref name="rows"/>, in order, several to a statement.</summary>
    public Task<int> InsertAllAsync<TRow>(IReadOnlyList<TRow> rows, CancellationToken cancellationToken) where TRow : class =>
        commands.InsertAllAsync(rows, cancellationToken);

    /// <summary>
    /// Records that a flow has seen a trigger event, unless it has (one statement: no read before the insert); returns 1
    /// when recorded now, 0 when seen before.
    /// </summary>
    public Task<int> InsertUnseenAsync(FlowTriggerEventRecord row, CancellationToken cancellationToken) =>
        commands.ExecuteAsync("insert:trigger-event:unseen", () =>
        {
            var entity = commands.Entity(typeof(FlowTriggerEventRecord));
            IProperty[] columns =
            [
                PreparedCommands.Property(entity, nameof(FlowTriggerEventRecord.FlowId)), PreparedCommands.Property(entity, nameof(FlowTriggerEventRecord.EventId)),
                PreparedCommands.Property(entity, nameof(FlowTriggerEventRecord.SeenAt)),
            ];
            var (table, flow, eventId) = (commands.Table(entity), commands.Column(columns[0]), commands.Column(columns[1]));
            var (p0, p1, p2) = (commands.Parameter(0), commands.Parameter(1), commands.Parameter(2));
            return ($"INSERT INTO {table} ({flow}, {eventId}, {commands.Column(columns[2])}) SELECT {p0}, {p1}, {p2} " +
                    $"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {flow} = {p0} AND {eventId} = {p1})", columns);
        }, [row.FlowId, row.EventId, row.SeenAt], cancellationToken);

    /// <summary>
    /// Writes a run's new snapshot and state unless the run is stored as cancelled — and, given
    /// <paramref name="storedSequence"/>, only if the stored run is still at that step; returns the rows changed (0 or 1).
    /// </summary>
    public Task<int> UpdateRunAsync(FlowInstanceRecord row, long? storedSequence, CancellationToken cancellationToken)
    {
        object?[] values = [row.Snapshot, row.Status, row.Sequence, row.Error, row.UpdatedAt, row.Id, FlowStatus.Cancelled];
        return commands.ExecuteAsync(storedSequence is null ? "update:run" : "update:run:at", () =>
        {
            var entity = commands.Entity(typeof(FlowInstanceRecord));
            IProperty[] set =
            [
                PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Snapshot)), PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Status)),
                PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Sequence)), PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Error)),
                PreparedCommands.Property(entity, nameof(FlowInstanceRecord.UpdatedAt)),
            ];
            IProperty[] where =
            [
                PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Id)), PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Status)),
                .. storedSequence is null ? Array.Empty<IProperty>() : [PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Sequence))],
            ];
            var assignments = string.Join(", ", set.Select((p, i) => $"{commands.Column(p)} = {commands.Parameter(i)}"));
            var conditions = $"{commands.Column(where[0])} = {commands.Parameter(5)} AND {commands.Column(where[1])} <> {commands.Parameter(6)}" +
                             (where.Length > 2 ? $" AND {commands.Column(where[2])} = {commands.Parameter(7)}" : "");
            return ($"UPDATE {commands.Table(entity)} SET {assignments} WHERE {conditions}", [.. set, .. where]);
        }, storedSequence is { } at ? [.. values, at] : values, cancellationToken);
    }

    /// <summary>
    /// The running or suspended runs of <paramref name="flowId"/> for <paramref name="subjectId"/> (null is a subject too),
    /// with their snapshots: what a start checks its flow's concurrency against, once per start.
    /// </summary>
    public Task<List<(string Id, string Snapshot)>> ActiveRunsAsync(string flowId, string? subjectId, CancellationToken cancellationToken)
    {
        return commands.QueryAsync(subjectId is null ? "select:active-runs:no-subject" : "select:active-runs", () =>
        {
            var entity = commands.Entity(typeof(FlowInstanceRecord));
            var (flow, subject) = (PreparedCommands.Property(entity, nameof(FlowInstanceRecord.FlowId)),
                PreparedCommands.Property(entity, nameof(FlowInstanceRecord.SubjectId)));
            var columns = $"{commands.Column(PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Id)))}, " +
                          commands.Column(PreparedCommands.Property(entity, nameof(FlowInstanceRecord.Snapshot)));
            // The active-runs index's own filter, word for word: a database uses a filtered index only for a query that states it.
            var conditions = $"{commands.Column(flow)} = {commands.Parameter(0)} AND {FlowInstanceRecordConfiguration.ActiveRuns} AND " +
                             commands.Column(subject) + (subjectId is null ? " IS NULL" : $" = {commands.Parameter(1)}");
            return ($"SELECT {columns} FROM {commands.Table(entity)} WHERE {conditions}", subjectId is null ? [flow] : [flow, subject]);
        }, subjectId is null ? [flowId] : [flowId, subjectId], reader => (reader.GetString(0), reader.GetString(1)), cancellationToken);
    }

    /// <summary>
    /// Deletes the bookmark group <paramref name="groupId"/> of run <paramref name="instanceId"/> (the bookmarks one step
    /// created, the consume of a resume); returns how many went. Found through the run's bookmarks (a handful): a group
    /// has no index of its own, which every wait would write and every consume delete from.
    /// </summary>
    public Task<int> DeleteBookmarkGroupAsync(string instanceId, string groupId, CancellationToken cancellationToken) =>
        DeleteBookmarksWhereAsync("delete:bookmarks:group",
            [nameof(FlowBookmarkRecord.InstanceId), nameof(FlowBookmarkRecord.GroupId)], [instanceId, groupId], cancellationToken);

    /// <summary>Deletes the bookmarks whose <paramref name="property"/> (an indexed column) is <paramref name="value"/>; returns how many went.</summary>
    public Task<int> DeleteBookmarksAsync(string property, string value, CancellationToken cancellationToken) =>
        DeleteBookmarksWhereAsync($"delete:bookmarks:{property}", [property], [value], cancellationToken);

    /// <summary>Deletes the bookmarks whose <paramref name="properties"/> all equal <paramref name="values"/> (one statement per <paramref name="key"/>).</summary>
    private Task<int> DeleteBookmarksWhereAsync(string key, string[] properties, object?[] values, CancellationToken cancellationToken) =>
        commands.ExecuteAsync(key, () =>
        {
            var entity = commands.Entity(typeof(FlowBookmarkRecord));
            IProperty[] columns = [.. properties.Select(property => PreparedCommands.Property(entity, property))];
            var conditions = string.Join(" AND ", columns.Select((column, i) => $"{commands.Column(column)} = {commands.Parameter(i)}"));
            return ($"DELETE FROM {commands.Table(entity)} WHERE {conditions}", columns);
        }, values, cancellationToken);

    /// <summary>The text of each statement prepared so far (tests read what a statement asks the database).</summary>
    internal IEnumerable<string> Texts => commands.Texts;

    public void Dispose() => commands.Dispose();
}
