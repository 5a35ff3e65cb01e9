using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// SQLite keeps 2 MB of pages per connection by default. On a database of a million waiting runs, the index pages a
/// step's rows pass through (the run's row, its bookmarks' indexes, the journal's) outgrow that many times over, and the
/// writer reads them back from the operating system — a system call and a copy each — in SQLite's one write lane. A
/// writer that keeps its connection open from batch to batch (the flow store's) keeps <c>Database:WriterCacheMegabytes</c>
/// of them instead; the cache fills only as pages are read, and its own commits do not invalidate it.
/// </summary>
public sealed class WriterPageCache(IOptions<DatabaseOptions> options)
{
    /// <summary>SQLite's default: 2,000 KiB (a negative size is in KiB).</summary>
    private const int DefaultKibibytes = 2000;

    /// <summary>
    /// Until the result is disposed, <paramref name="db"/>'s connection, which this opens, caches up to
    /// <see cref="DatabaseOptions.WriterCacheMegabytes"/>; disposing gives the memory back and restores the default before
    /// the pooled connection is used again. Nothing on SQL Server.
    /// </summary>
    public async Task<IAsyncDisposable> EnlargeAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return SessionPragmas.Nothing;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        return await SessionPragmas.ChangeAsync(db.Database.GetDbConnection(), $"PRAGMA cache_size = -{options.Value.WriterCacheMegabytes * 1024};",
            $"PRAGMA cache_size = -{DefaultKibibytes}; PRAGMA shrink_memory;", cancellationToken);
    }
}
