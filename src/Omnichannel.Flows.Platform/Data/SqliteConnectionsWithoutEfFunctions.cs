using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// Creates the contexts' SQLite connections itself, without the seven functions EF Core's SQLite provider registers on
/// every connection it creates (<c>regexp</c> and the <c>ef_*</c> decimal arithmetic). Microsoft.Data.Sqlite installs a
/// connection's functions on the pooled native connection at every open and removes them at every close, so they cost
/// about fourteen native calls and as many delegate allocations per query that opens the connection — thousands a second
/// on the hot path. The model needs none of them: amounts are stored as integer micros, and no query uses
/// <c>Regex.IsMatch</c>. A query that did would fail with "no such function", which the tests would show.
/// </summary>
internal sealed class SqliteConnectionsWithoutEfFunctions : DbConnectionInterceptor
{
    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        result.HasResult || eventData.ConnectionString is not { } connectionString
            ? result
            : InterceptionResult<DbConnection>.SuppressWithResult(new SqliteConnection(connectionString));
}
