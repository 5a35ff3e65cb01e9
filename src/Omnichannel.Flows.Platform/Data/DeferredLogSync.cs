using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// SQLite (WAL) syncs its log to disk at every commit by default (<c>synchronous = FULL</c>), so what a commit stored
/// survives a power cut. Background work that can be redone from what is already durable — turning stored deliveries
/// into messages, a flow run's steps — commits on a connection with <c>synchronous = NORMAL</c> instead: the commit is
/// written to the log at once, so it survives the process being killed, and reaches the disk with the next synced
/// commit or log flush of any connection (the log is one file: a webhook's or a send's flush syncs everything before
/// it) or the next checkpoint. A power cut can roll back only such work committed since the last sync, never half of a
/// transaction, and nothing that an outside party was told or sent depends on it: that was synced first. The
/// rolled-back work is done again — deliveries are processed once (unique provider ids), runs resume from their last
/// durable step and their effects carry idempotency keys. <c>Database:SyncEveryCommit</c> turns this off.
/// <para>
/// A commit that must be durable before anyone is told of it (a webhook delivery, answered 200; a send's outbox row,
/// before the provider is called) commits the same way in its write turn and flushes the log once the turn is passed on
/// (<see cref="FlushLog"/>), telling only then. The flush takes a disk's time (about 10 ms here), which a synced commit
/// spends holding the write turn — and SQLite's write lock — that every other writer waits for.
/// </para>
/// </summary>
public sealed class DeferredLogSync(IOptions<DatabaseOptions> options)
{
    private long logFlushes;

    /// <summary>Log flushes so far (<see cref="FlushLog"/>; tests see a commit made durable before it is told of).</summary>
    public long LogFlushes => Interlocked.Read(ref logFlushes);

    /// <summary>
    /// Until the result is disposed, commits on <paramref name="db"/>'s connection, which this opens, leave syncing the
    /// log to the next synced commit. Nothing on SQL Server or with <c>Database:SyncEveryCommit</c>. Call it, and dispose
    /// the result, outside a transaction (SQLite changes the setting only there); disposing restores the default before
    /// the pooled connection is used again.
    /// </summary>
    public async Task<IAsyncDisposable> BeginAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (options.Value.SyncEveryCommit || !db.Database.IsSqlite())
        {
            return SessionPragmas.Nothing;
        }

        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("SQLite changes how commits sync only outside a transaction: begin deferring before the transaction.");
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        return await SessionPragmas.ChangeAsync(db.Database.GetDbConnection(), "PRAGMA synchronous = NORMAL;", "PRAGMA synchronous = FULL;", cancellationToken);
    }

    /// <summary>
    /// Makes every commit written to the log so far durable, whichever connection made it: flushes the log file to disk.
    /// Call it after a commit made inside <see cref="BeginAsync"/>, once the write turn is passed on, with
    /// <paramref name="db"/>'s connection still open (SQLite deletes the log when its last connection closes). Should a
    /// checkpoint have copied the commit into the database file and restarted the log meanwhile, that checkpoint synced
    /// the database file first. Nothing on SQL Server or with <c>Database:SyncEveryCommit</c>, where commits synced already.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database has no write-ahead log (it is not in WAL mode).</exception>
    public void FlushLog(DbContext db)
    {
        if (options.Value.SyncEveryCommit || !db.Database.IsSqlite())
        {
            return;
        }

        var log = SqliteLogFile.PathOf(db.Database.GetDbConnection());
        if (!File.Exists(log))
        {
            throw new InvalidOperationException($"The SQLite database has no write-ahead log ('{log}'): its commits must sync themselves.");
        }

        using var file = SqliteLogFile.Open(log);
        file.Flush(flushToDisk: true);
        Interlocked.Increment(ref logFlushes);
    }
}
