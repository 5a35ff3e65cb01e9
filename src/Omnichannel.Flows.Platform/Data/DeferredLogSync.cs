using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// SQLite (WAL) syncs its log to disk at every commit by default (<c>synchronous = FULL</c>): a webhook answered 200
/// survives a power cut. Background work that can be redone from what is already durable — turning stored deliveries
/// into messages, a flow run's steps — commits on a connection with <c>synchronous = NORMAL</c> instead: the commit is
/// written to the log at once, so it survives the process being killed, and reaches the disk with the next synced
/// commit of any connection (the log is one file: a webhook's or a send's commit syncs everything before it) or the next
/// checkpoint. A power cut can roll back only such work committed since the last sync, never half of a transaction, and
/// nothing that an outside party was told or sent depends on it: that was synced first. The rolled-back work is done
/// again — deliveries are processed once (unique provider ids), runs resume from their last durable step and their
/// effects carry idempotency keys. <c>Database:SyncEveryCommit</c> turns this off.
/// </summary>
public sealed class DeferredLogSync(IOptions<DatabaseOptions> options)
{
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
}
