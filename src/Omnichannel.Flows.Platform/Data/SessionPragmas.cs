using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// A SQLite setting a session changes on its connection (<see cref="DeferredLogSync"/>, <see cref="WriterPageCache"/>)
/// and puts back before the pooled connection is handed out again.
/// </summary>
internal static class SessionPragmas
{
    /// <summary>What a setting returns where it changes nothing (another provider, turned off).</summary>
    public static IAsyncDisposable Nothing { get; } = new Restore(null, "");

    /// <summary>
    /// Runs <paramref name="change"/> on <paramref name="connection"/>; disposing the result runs <paramref name="restore"/>.
    /// Should that fail (a transaction left open by a failure, a broken connection), the pool closes the physical
    /// connection, and its idle siblings, rather than hand it out still changed.
    /// </summary>
    public static async Task<IAsyncDisposable> ChangeAsync(DbConnection connection, string change, string restore, CancellationToken cancellationToken)
    {
        await RunAsync(connection, change, cancellationToken);
        return new Restore(connection, restore);
    }

    private static async Task RunAsync(DbConnection connection, string pragmas, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class Restore(DbConnection? connection, string pragmas) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }

            try
            {
                await RunAsync(connection, pragmas, CancellationToken.None);
            }
            catch (Exception) when (connection is SqliteConnection sqlite)
            {
                SqliteConnection.ClearPool(sqlite);
            }
        }
    }
}
