using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>
/// The store's hot statements as plain commands inside one <see cref="FlowStoreWriter"/> transaction: a step is an
/// update of the run's row, a journal insert and bookmark changes, thousands a second, where EF's change tracking and
/// query translation per statement cost more than the statement. Table names, column names and value conversions come
/// from the EF model (so both providers and every type mapping stay as the model says); each command is built once per
/// transaction and executed again with new values, which lets SQLite keep the statement prepared.
/// </summary>
internal sealed class FlowStoreCommands(FlowsDbContext db) : IDisposable
{
    private readonly Dictionary<string, Statement> statements = new(StringComparer.Ordinal);
    private readonly ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();

    public FlowsDbContext Db => db;

    /// <summary>Inserts <paramref name="row"/> with every mapped column.</summary>
    public Task<int> InsertAsync<TRow>(TRow row, CancellationToken cancellationToken) where TRow : class
    {
        var statement = Get($"insert:{typeof(TRow).Name}", () =>
        {
            var entity = Entity<TRow>();
            var properties = entity.GetProperties().ToArray();
            var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName())));
            var values = string.Join(", ", properties.Select((_, i) => sql.GenerateParameterName($"p{i}")));
            return ($"INSERT INTO {Table(entity)} ({columns}) VALUES ({values})", properties);
        });
        return statement.ExecuteAsync(row, cancellationToken);
    }

    /// <summary>
    /// Writes a run's new snapshot and state unless the run is stored as cancelled — and, given
    /// <paramref name="storedSequence"/>, only if the stored run is still at that step; returns the rows changed (0 or 1).
    /// </summary>
    public Task<int> UpdateRunAsync(FlowInstanceRecord row, long? storedSequence, CancellationToken cancellationToken)
    {
        var statement = Get(storedSequence is null ? "update:run" : "update:run:at", () =>
        {
            var entity = Entity<FlowInstanceRecord>();
            IProperty[] set =
            [
                Property(entity, nameof(FlowInstanceRecord.Snapshot)), Property(entity, nameof(FlowInstanceRecord.Status)),
                Property(entity, nameof(FlowInstanceRecord.Sequence)), Property(entity, nameof(FlowInstanceRecord.Error)),
                Property(entity, nameof(FlowInstanceRecord.UpdatedAt)),
            ];
            IProperty[] where =
            [
                Property(entity, nameof(FlowInstanceRecord.Id)), Property(entity, nameof(FlowInstanceRecord.Status)),
                .. storedSequence is null ? Array.Empty<IProperty>() : [Property(entity, nameof(FlowInstanceRecord.Sequence))],
            ];
            var assignments = string.Join(", ", set.Select((p, i) => $"{Column(p)} = {sql.GenerateParameterName($"p{i}")}"));
            var conditions = $"{Column(where[0])} = {sql.GenerateParameterName("p5")} AND {Column(where[1])} <> {sql.GenerateParameterName("p6")}" +
                             (where.Length > 2 ? $" AND {Column(where[2])} = {sql.GenerateParameterName("p7")}" : "");
            return ($"UPDATE {Table(entity)} SET {assignments} WHERE {conditions}", [.. set, .. where]);
        });
        object?[] values = [row.Snapshot, row.Status, row.Sequence, row.Error, row.UpdatedAt, row.Id, FlowStatus.Cancelled];
        return statement.ExecuteAsync(storedSequence is { } at ? [.. values, at] : values, cancellationToken);
    }

    /// <summary>Deletes the bookmarks whose <paramref name="property"/> (an indexed column) is <paramref name="value"/>; returns how many went.</summary>
    public Task<int> DeleteBookmarksAsync(string property, string value, CancellationToken cancellationToken)
    {
        var statement = Get($"delete:bookmarks:{property}", () =>
        {
            var entity = Entity<FlowBookmarkRecord>();
            var column = Property(entity, property);
            return ($"DELETE FROM {Table(entity)} WHERE {Column(column)} = {sql.GenerateParameterName("p0")}", [column]);
        });
        return statement.ExecuteAsync([value], cancellationToken);
    }

    public void Dispose()
    {
        foreach (var statement in statements.Values)
        {
            statement.Command.Dispose();
        }
    }

    private Statement Get(string key, Func<(string Text, IProperty[] Parameters)> build)
    {
        if (!statements.TryGetValue(key, out var statement))
        {
            var (text, parameters) = build();
            var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = text;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            statements[key] = statement = new Statement(command, parameters, sql);
        }

        return statement;
    }

    private IEntityType Entity<TRow>() =>
        db.Model.FindEntityType(typeof(TRow)) ?? throw new InvalidOperationException($"{typeof(TRow).Name} is not in the model.");

    private static IProperty Property(IEntityType entity, string name) =>
        entity.FindProperty(name) ?? throw new InvalidOperationException($"{entity.DisplayName()} has no property {name}.");

    private string Table(IEntityType entity) => sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());

    private string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName());

    /// <summary>A command and the model properties its parameters take their type mapping from, in order.</summary>
    private sealed class Statement(DbCommand command, IProperty[] properties, ISqlGenerationHelper sql)
    {
        private readonly RelationalTypeMapping[] mappings = properties.Select(p => (RelationalTypeMapping)p.GetRelationalTypeMapping()).ToArray();
        private readonly IClrPropertyGetter[] getters = properties.Select(p => p.GetGetter()).ToArray();
        private readonly string[] names = properties.Select((_, i) => sql.GenerateParameterName($"p{i}")).ToArray();

        public DbCommand Command => command;

        /// <summary>Executes with each property's value read from <paramref name="row"/>.</summary>
        public Task<int> ExecuteAsync(object row, CancellationToken cancellationToken)
        {
            var values = new object?[getters.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = getters[i].GetClrValueUsingContainingEntity(row);
            }

            return ExecuteAsync(values, cancellationToken);
        }

        public Task<int> ExecuteAsync(object?[] values, CancellationToken cancellationToken)
        {
            command.Parameters.Clear();
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(mappings[i].CreateParameter(command, names[i], values[i], properties[i].IsNullable));
            }

            return command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
