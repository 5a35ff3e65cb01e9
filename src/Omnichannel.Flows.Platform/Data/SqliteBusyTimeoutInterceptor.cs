using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// SQLite has one writer. Without a busy timeout, a connection that finds the database locked gets SQLITE_BUSY and
/// Microsoft.Data.Sqlite retries in 150 ms sleeps; with it, SQLite waits inside the call in millisecond steps. Set on
/// every connection the app opens (it is a per-connection setting), once per physical connection: the pool hands the
/// same one out again and again, and a statement per open would be one more statement per query.
/// </summary>
internal sealed class SqliteBusyTimeoutInterceptor(TimeSpan timeout) : DbConnectionInterceptor
{
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
        command.CommandText = $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};";
        command.ExecuteNonQuery();
        if (handle is not null)
        {
            configured.AddOrUpdate(handle, this);
        }
    }
}
