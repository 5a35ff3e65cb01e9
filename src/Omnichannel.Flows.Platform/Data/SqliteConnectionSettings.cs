using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// The per-connection settings every SQLite connection the app opens gets, once per physical connection: the pool hands
/// the same one out again and again, and a statement per open would be one more statement per query.
/// <list type="bullet">
/// <item>A busy timeout. SQLite has one writer; without it, a connection that finds the database locked gets SQLITE_BUSY
/// and Microsoft.Data.Sqlite retries in 150 ms sleeps; with it, SQLite waits inside the call in millisecond steps.</item>
/// <item>With <see cref="DatabaseOptions.CheckpointInBackground"/>, no automatic WAL checkpoints: <see cref="WalCheckpointer"/>
/// runs them on a connection of its own, so no commit pays for one.</item>
/// <item>The size the log is cut back to when it starts over (<see cref="DatabaseOptions.LogSizeLimitMegabytes"/>): the
/// first commit after a restart truncates it, and only a connection with the limit set does.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings(TimeSpan busyTimeout, DatabaseOptions options) : DbConnectionInterceptor
{
    private readonly string pragmas = $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};" +
        (options.CheckpointInBackground ? " PRAGMA wal_autocheckpoint = 0;" : "") +
        $" PRAGMA journal_size_limit = {options.LogSizeLimitMegabytes * 1024L * 1024};";

    private readonly ConditionalWeakTable<object, object> configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        // The native handle outlives each open of a pooled connection: it is the physical connection.
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
        if (handle is not null)
        {
            configured.AddOrUpdate(handle, this);
        }
    }
}
