using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Plain commands for hot writes inside a transaction of the context they are made for: where thousands of rows a second
/// are written, EF's change tracking and command building per row cost more than the statement. Table names, column
/// names and value conversions come from the EF model (so both providers and every type mapping stay as the model says);
/// each command is built once per instance and executed again with new values, which lets SQLite keep the statement
/// prepared (on SQLite a write runs as a <see cref="SqliteNativeStatement"/>, its values bound by position); each
/// execution joins the context's current transaction. Dispose it before the context.
/// </summary>
public sealed class PreparedCommands(FlowsDbContext db) : IDisposable
{
    private readonly Dictionary<string, Statement> statements = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, IProperty[]> insertColumns = [];
    private readonly ISqlGenerationHelper sql = db.GetService<ISqlGenerationHelper>();

    /// <summary>
    /// Saves the changes <paramref name="db"/> tracks (inside its current transaction), writing its added and modified
    /// entities of the <paramref name="plainly"/> types with prepared commands (an insert; an update of the changed
    /// columns) once EF has saved the rest, so the rows they refer to exist. For entity types whose values are all set in
    /// code and that no other row refers to by foreign key. Changes must have been detected.
    /// </summary>
    public static async Task SaveChangesAsync(FlowsDbContext db, IReadOnlySet<Type> plainly, CancellationToken cancellationToken)
    {
        var writes = new List<Func<PreparedCommands, Task>>();
        foreach (var row in db.ChangeTracker.Entries().Where(e => plainly.Contains(e.Metadata.ClrType)).ToList())
        {
            switch (row.State)
            {
                case EntityState.Added:
                    var entity = row.Entity;
                    writes.Add(commands => commands.InsertAsync(entity, cancellationToken));
                    break;
                case EntityState.Modified:
                    var update = ChangedColumns(row);
                    writes.Add(commands => commands.UpdateAsync(update, cancellationToken));
                    break;
                default:
                    continue;
            }

            row.State = EntityState.Unchanged;
        }

        await db.SaveChangesAsync(cancellationToken);
        using var prepared = new PreparedCommands(db);
        foreach (var write in writes)
        {
            await write(prepared);
        }
    }

    /// <summary>
    /// How many values one insert of several rows binds at most: SQLite finds each named parameter by comparing its name
    /// with the statement's others, so a statement with many costs more per value than the statements it replaces.
    /// </summary>
    private const int MaxValuesPerInsert = 128;

    /// <summary>Inserts <paramref name="row"/> (an entity of the model) with every mapped column.</summary>
    public Task<int> InsertAsync(object row, CancellationToken cancellationToken) => InsertAllAsync([row], cancellationToken);

    /// <summary>
    /// Inserts <paramref name="rows"/> (entities of one model type) with every mapped column, in order, several to a
    /// statement (<see cref="MaxValuesPerInsert"/>): one execution instead of one per row.
    /// </summary>
    /// <returns>How many rows were inserted.</returns>
    public async Task<int> InsertAllAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var type = rows[0].GetType();
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].GetType() != type)
            {
                throw new ArgumentException($"Rows inserted together are of one type ({type.Name}).", nameof(rows));
            }
        }

        // Looked up once per type: a slice inserts hundreds of rows of the same few types.
        if (!insertColumns.TryGetValue(type, out var properties))
        {
            insertColumns[type] = properties = [.. Entity(type).GetProperties()];
        }

        var perStatement = Math.Max(1, MaxValuesPerInsert / properties.Length);
        var inserted = 0;
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            var statement = Get($"insert:{type.FullName}:{count}", () =>
            {
                var columns = string.Join(", ", properties.Select(Column));
                var values = string.Join(", ", Enumerable.Range(0, count).Select(row =>
                    $"({string.Join(", ", properties.Select((_, i) => Parameter(row * properties.Length + i)))})"));
                return ($"INSERT INTO {Table(Entity(type))} ({columns}) VALUES {values}", [.. Enumerable.Repeat(properties, count).SelectMany(p => p)]);
            });
            inserted += await statement.ExecuteAsync(rows, start, count, cancellationToken);
        }

        return inserted;
    }

    /// <summary>Writes the changed columns of one row; throws <see cref="DbUpdateConcurrencyException"/> when the row is gone.</summary>
    private async Task UpdateAsync(RowUpdate update, CancellationToken cancellationToken)
    {
        var (entity, key, changed, values) = update;
        var updated = await ExecuteAsync($"update:{entity.Name}:{string.Join(',', changed.Select(p => p.Name))}", () =>
        {
            var assignments = string.Join(", ", changed.Select((p, i) => $"{Column(p)} = {Parameter(i)}"));
            return ($"UPDATE {Table(entity)} SET {assignments} WHERE {Column(key)} = {Parameter(changed.Length)}", [.. changed, key]);
        }, values, cancellationToken);
        if (updated != 1)
        {
            throw new DbUpdateConcurrencyException($"The {entity.DisplayName()} row {values[^1]} to update no longer exists.");
        }
    }

    private static RowUpdate ChangedColumns(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry row)
    {
        var key = row.Metadata.FindPrimaryKey()?.Properties is [var only] ? only : throw new InvalidOperationException($"{row.Metadata.DisplayName()} has no single-column key.");
        IProperty[] changed = [.. row.Properties.Where(p => p.IsModified).Select(p => p.Metadata)];
        return new RowUpdate(row.Metadata, key, changed, [.. changed.Select(p => row.CurrentValues[p]), row.OriginalValues[key]]);
    }

    /// <summary>The columns of a row to set, their values, and last the row's key.</summary>
    private sealed record RowUpdate(IEntityType Entity, IProperty Key, IProperty[] Changed, object?[] Values);

    /// <summary>
    /// Executes the command known by <paramref name="key"/>, built by <paramref name="build"/> the first time: its text
    /// names its parameters with <see cref="Parameter"/> (0, 1, 2… in the order of the properties their type mappings
    /// come from); <paramref name="values"/> are in the same order.
    /// </summary>
    public Task<int> ExecuteAsync(string key, Func<(string Text, IProperty[] Parameters)> build, object?[] values, CancellationToken cancellationToken) =>
        Get(key, build).ExecuteAsync(values, cancellationToken);

    /// <summary>
    /// Runs the query known by <paramref name="key"/> (built like <see cref="ExecuteAsync(string, Func{ValueTuple{string, IProperty[]}}, object?[], CancellationToken)"/>)
    /// and reads each row with <paramref name="read"/>.
    /// </summary>
    public async Task<List<T>> QueryAsync<T>(string key, Func<(string Text, IProperty[] Parameters)> build, object?[] values,
        Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var command = Get(key, build).Bind(values);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// <see cref="QueryAsync"/>, synchronously: for reads made where no await is possible (a flow's facts, read inside a
    /// condition).
    /// </summary>
    public List<T> Query<T>(string key, Func<(string Text, IProperty[] Parameters)> build, object?[] values, Func<DbDataReader, T> read)
    {
        var command = Get(key, build).Bind(values);
        var rows = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Builds, and calls once, the value accessors and converters of the mapped properties of <paramref name="types"/>. EF
    /// Core compiles each the first time it is used (an expression tree to a delegate, then the JIT); a writer that calls
    /// this as it starts keeps that work out of its first batch after a start, which every caller waits on.
    /// </summary>
    public static void PrepareAccessors(IModel model, params Type[] types)
    {
        foreach (var type in types)
        {
            var entity = EntityOf(model, type);
            var empty = RuntimeHelpers.GetUninitializedObject(type);
            foreach (var property in entity.GetProperties())
            {
                var value = property.GetGetter().GetClrValueUsingContainingEntity(empty);
                if (value is not null && property.GetTypeMapping().Converter is { } converter)
                {
                    _ = converter.ConvertToProvider(value);
                }
            }
        }
    }

    public IEntityType Entity(Type type) => EntityOf(db.Model, type);

    private static IEntityType EntityOf(IModel model, Type type) =>
        model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");

    public static IProperty Property(IEntityType entity, string name) =>
        entity.FindProperty(name) ?? throw new InvalidOperationException($"{entity.DisplayName()} has no property {name}.");

    public string Table(IEntityType entity) => sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());

    public string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName());

    public string Parameter(int index) => sql.GenerateParameterName($"p{index}");

    /// <summary>The text of each command built so far (tests read what a statement asks the database).</summary>
    internal IEnumerable<string> Texts => statements.Values.Select(statement => statement.Command.CommandText);

    /// <summary>The text of each command that ran as a <see cref="SqliteNativeStatement"/> (tests see which path a write took).</summary>
    internal IEnumerable<string> NativeTexts => statements.Values.Where(statement => statement.RunsNatively).Select(statement => statement.Command.CommandText);

    public void Dispose()
    {
        foreach (var statement in statements.Values)
        {
            statement.Dispose();
        }
    }

    private Statement Get(string key, Func<(string Text, IProperty[] Parameters)> build)
    {
        if (!statements.TryGetValue(key, out var statement))
        {
            var (text, parameters) = build();
            var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = text;
            statements[key] = statement = new Statement(command, parameters, [.. parameters.Select((_, i) => Parameter(i))]);
        }

        // Commands outlive a transaction when the connection stays open for several (FlowStoreWriter's session).
        statement.Command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return statement;
    }

    /// <summary>
    /// A command and the model properties its parameters take their type mapping from, in order. On SQLite its writes run
    /// as a <see cref="SqliteNativeStatement"/> (values bound by position), prepared again if the connection was reopened.
    /// </summary>
    private sealed class Statement(DbCommand command, IProperty[] properties, string[] names) : IDisposable
    {
        private readonly RelationalTypeMapping[] mappings = properties.Select(p => (RelationalTypeMapping)p.GetRelationalTypeMapping()).ToArray();
        private readonly IClrPropertyGetter[] getters = properties.Select(p => p.GetGetter()).ToArray();
        private SqliteNativeStatement? native;
        private bool nativeUnsupported;

        public DbCommand Command => command;

        public bool RunsNatively => native is not null;

        /// <summary>
        /// Executes with each property's value read from its row: the statement's parameters are the same properties for
        /// each of <paramref name="count"/> rows in turn, taken from <paramref name="rows"/> at <paramref name="start"/>.
        /// </summary>
        public Task<int> ExecuteAsync(IReadOnlyList<object> rows, int start, int count, CancellationToken cancellationToken)
        {
            var perRow = getters.Length / count;
            var values = new object?[getters.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = getters[i].GetClrValueUsingContainingEntity(rows[start + i / perRow]);
            }

            return ExecuteAsync(values, cancellationToken);
        }

        public Task<int> ExecuteAsync(object?[] values, CancellationToken cancellationToken) =>
            Native() is { } statement
                ? Task.FromResult(statement.Execute(values))
                : Bind(values).ExecuteNonQueryAsync(cancellationToken);

        /// <summary>The command with <paramref name="values"/> as its parameters, in order.</summary>
        public DbCommand Bind(object?[] values)
        {
            command.Parameters.Clear();
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(mappings[i].CreateParameter(command, names[i], values[i], properties[i].IsNullable));
            }

            return command;
        }

        public void Dispose()
        {
            native?.Dispose();
            command.Dispose();
        }

        private SqliteNativeStatement? Native()
        {
            if (nativeUnsupported || command.Connection is not SqliteConnection { Handle: { } handle } connection)
            {
                return null;
            }

            if (native?.Handle == handle)
            {
                return native;
            }

            native?.Dispose();
            native = SqliteNativeStatement.TryPrepare(connection, command.CommandText, names, mappings);
            nativeUnsupported = native is null;
            return native;
        }
    }
}
