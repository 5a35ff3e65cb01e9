using System.ComponentModel.DataAnnotations;

namespace Omnichannel.Flows.Platform.Data;

public enum DatabaseProvider { Sqlite, SqlServer }

/// <summary><c>Database:*</c>. Without <c>ConnectionStrings:Default</c>, SQLite uses a file in the data folder.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Where the app keeps its files (the SQLite database, per-install simulator secrets). Relative to the content root.</summary>
    [Required]
    public string DataPath { get; set; } = "data";

    /// <summary>
    /// SQLite: sync the log to disk at every commit, background work's too (<see cref="DeferredLogSync"/>). Off by
    /// default: what a power cut could roll back is only redoable work, and syncing it costs a disk flush per commit.
    /// </summary>
    public bool SyncEveryCommit { get; set; }

    /// <summary>
    /// SQLite: the page cache of the flow store's writer connection, which stays open from batch to batch
    /// (<see cref="WriterPageCache"/>); other connections keep SQLite's default of 2 MB.
    /// </summary>
    [Range(2, 1024)]
    public int WriterCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// SQLite: copy the write-ahead log back into the database file (a checkpoint, with its disk flushes) on a connection
    /// of its own every <see cref="CheckpointInterval"/> (<see cref="WalCheckpointer"/>), instead of inside whichever
    /// commit takes the log past 1,000 pages — in a burst, the flow store's writer, holding every other writer's turn.
    /// </summary>
    public bool CheckpointInBackground { get; set; } = true;

    /// <summary>How often the background checkpoint looks at the log (<see cref="CheckpointInBackground"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// SQLite: when a background checkpoint leaves the log holding more pages than this, the checkpointer takes the write
    /// turn and restarts the log, so the next commit writes at its front again (<see cref="WalCheckpointer"/>). Passive
    /// checkpoints alone never catch up with writers that commit back to back, and the log then grows for as long as they
    /// do. 0 never restarts it. The checkpointer copies and flushes what it can before it takes the turn, so a restart holds
    /// it for what the last few milliseconds wrote plus the reads under way (15–26 ms while a backlog drains on a 2-core
    /// machine, about 16,000 pages of log a second); this sets how often that is paid: at 4,000 pages (16 MB), twice a
    /// second then.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int CheckpointRestartPages { get; set; } = 4_000;

    /// <summary>
    /// SQLite: the size the log is cut back to when it starts over from its front (PRAGMA journal_size_limit); a burst
    /// may grow it past this meanwhile.
    /// </summary>
    [Range(1, 4096)]
    public int LogSizeLimitMegabytes { get; set; } = 64;

    /// <summary>Apply pending migrations when the app starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
