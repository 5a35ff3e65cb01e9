using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// SQLite (WAL): copies the write-ahead log back into the database file — a checkpoint — on a connection and a thread of
/// its own, every <see cref="DatabaseOptions.CheckpointInterval"/>. Left to SQLite, the commit that takes the log past
/// 1,000 pages runs the checkpoint itself, disk flushes included, before it returns: in a burst that is the flow store's
/// writer, several times a second, while it holds the write turn every other writer waits for
/// (<see cref="DatabaseWriteGate"/>). With <see cref="DatabaseOptions.CheckpointInBackground"/> every connection of the
/// app has SQLite's automatic checkpoints off (<see cref="SqliteConnectionSettings"/>) and this does them instead.
/// Passive checkpoints never wait for readers or the writer: they copy what no reader still needs, and SQLite starts the
/// log over from the front once all of it is copied. What is committed is in the log either way, so a crash loses
/// nothing: the next open replays the log.
/// <para>
/// Passive checkpoints alone never let the log start over while writers commit back to back: by the time one has copied
/// the log, more has been appended, and the log grows for as long as the burst lasts (hundreds of megabytes, each new
/// page of it a file extension). So when one leaves more than <see cref="DatabaseOptions.CheckpointRestartPages"/> in the
/// log, the checkpointer takes the write turn (<see cref="DatabaseWriteGate"/>) and restarts the log: it copies the few
/// pages appended meanwhile and waits for readers still reading the log, briefly (<see cref="ReaderWait"/>; a reader
/// that takes longer leaves the restart to a later tick), so the next commit writes at the log's front.
/// </para>
/// </summary>
public sealed class WalCheckpointer(
    IDbContextFactory<FlowsDbContext> dbs, DatabaseWriteGate gate, IOptions<DatabaseOptions> options, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    /// <summary>
    /// How long a restart waits for readers, with the write turn held: a query takes milliseconds, and every writer
    /// waits for as long as this. While a backlog drains some read is always under way, and SQLite's busy handler sleeps
    /// in growing steps (1, 2, 5, 10… ms): with 100 ms a restart held the write turn about 100 ms, a tenth of the
    /// drain's write lane at two restarts a second; with 10 ms, 30 ms at the median (2026-11-29, 2 of 130 restarts gave
    /// way to a reader and came again at a later tick).
    /// </summary>
    internal static readonly TimeSpan ReaderWait = TimeSpan.FromMilliseconds(10);

    private long restarts;

    /// <summary>The frames the last restart left in the log (all copied), reported as they are until the next commit.</summary>
    private long restartLeft = -1;

    private long checkpoints;
    private long flushesBeforeRestart;
    private WalCheckpoint? last;

    /// <summary>Checkpoints made so far (tests wait for one).</summary>
    public long Checkpoints => Interlocked.Read(ref checkpoints);

    /// <summary>The database file's flushes before a restart took the write turn (<see cref="PrepareRestart"/>; 0 where not supported).</summary>
    public long FlushesBeforeRestart => Interlocked.Read(ref flushesBeforeRestart);

    /// <summary>Restarts of the log so far (tests wait for one).</summary>
    public long Restarts => Interlocked.Read(ref restarts);

    /// <summary>What the latest checkpoint found: the log's frames and how many of them are in the database file.</summary>
    public WalCheckpoint? Last => Volatile.Read(ref last);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value is { Provider: DatabaseProvider.Sqlite, CheckpointInBackground: true }
            ? DedicatedWriterThread.RunAsync("WAL checkpointer", () => CheckpointLoopAsync(stoppingToken))
            : Task.CompletedTask;

    private async Task CheckpointLoopAsync(CancellationToken stoppingToken)
    {
        // Held open: the log is looked at on every tick (CheckpointInterval) for the app's whole life.
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        var connection = db.Database.GetDbConnection();
        // Only a restart waits (for readers); passive checkpoints never do.
        await using (var wait = connection.CreateCommand())
        {
            wait.CommandText = $"PRAGMA busy_timeout = {(int)ReaderWait.TotalMilliseconds};";
            await wait.ExecuteNonQueryAsync(CancellationToken.None);
        }

        using var interval = new PeriodicTimer(options.Value.CheckpointInterval);
        try
        {
            while (await interval.WaitForNextTickAsync(stoppingToken))
            {
                if (Checkpoint(connection, "PASSIVE") is { } passive && LogToRestart(passive))
                {
                    PrepareRestart(connection);
                    await RestartAsync(connection, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one more for what the last writes left (the writers stop before this does).
        }

        Checkpoint(connection, "PASSIVE");
    }

    /// <summary>
    /// Whether the log holds more than <see cref="DatabaseOptions.CheckpointRestartPages"/> — unless nothing was committed
    /// since the last restart: SQLite reports the frames a restart left until the next commit writes at the front.
    /// </summary>
    private bool LogToRestart(WalCheckpoint passive) =>
        options.Value.CheckpointRestartPages > 0 && passive.LogFrames > options.Value.CheckpointRestartPages
        && !(passive.CopiedFrames == passive.LogFrames && passive.LogFrames == restartLeft);

    /// <summary>
    /// What a restart would otherwise do in the write turn, done before it, with writers still committing. A passive
    /// checkpoint that does not reach the log's end — commits came while it copied, as they always do while a backlog
    /// drains — copies pages into the database file without flushing it; the restart, which reaches the end, flushed all
    /// of them, tens of megabytes, with every writer waiting (40–70 ms a restart, two restarts a second: an eighth of the
    /// write lane). So: copy once more what came during the tick's pass, then flush the database file's pages to disk
    /// (<see cref="FileSystemFlush"/>). The restart then copies and flushes only what the last few milliseconds wrote.
    /// </summary>
    private void PrepareRestart(DbConnection connection)
    {
        Checkpoint(connection, "PASSIVE");
        if (!FileSystemFlush.IsSupported)
        {
            return;
        }

        try
        {
            using var log = SqliteLogFile.Open(SqliteLogFile.PathOf(connection));
            FileSystemFlush.Flush(log);
            Interlocked.Increment(ref flushesBeforeRestart);
        }
        catch (IOException exception)
        {
            // The restart flushes what this could not.
            logger.LogWarning(exception, "Flushing the database file before a WAL restart failed; the restart flushes it");
        }
    }

    /// <summary>Restarts the log in the write turn; every writer waits meanwhile, so how long that took is logged.</summary>
    private async Task RestartAsync(DbConnection connection, CancellationToken stoppingToken)
    {
        var waiting = Stopwatch.GetTimestamp();
        using (await gate.EnterAsync(stoppingToken))
        {
            var holding = Stopwatch.GetTimestamp();
            if (Checkpoint(connection, "RESTART") is { Busy: false } done)
            {
                restartLeft = done.LogFrames;
                Interlocked.Increment(ref restarts);
            }

            logger.LogDebug("WAL restart: waited {WaitedMs:F1} ms for the write turn, held it {HeldMs:F1} ms",
                Stopwatch.GetElapsedTime(waiting, holding).TotalMilliseconds, Stopwatch.GetElapsedTime(holding).TotalMilliseconds);
        }
    }

    /// <summary>One checkpoint in <paramref name="mode"/>; a failure is logged and the next tick tries again.</summary>
    private WalCheckpoint? Checkpoint(DbConnection connection, string mode)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode});";
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var done = new WalCheckpoint(Busy: reader.GetInt64(0) != 0, LogFrames: reader.GetInt64(1), CopiedFrames: reader.GetInt64(2));
            Volatile.Write(ref last, done);
            Interlocked.Increment(ref checkpoints);

            if (done.LogFrames > 0)
            {
                logger.LogDebug("WAL checkpoint ({Mode}): {CopiedFrames} of {LogFrames} log frames in the database file{Busy}",
                    mode, done.CopiedFrames, done.LogFrames, done.Busy ? ", readers or the writer busy" : "");
            }

            return done;
        }
        catch (SqliteException exception)
        {
            logger.LogWarning(exception, "A WAL checkpoint ({Mode}) failed; the next one tries again", mode);
            return null;
        }
    }
}

/// <summary>A checkpoint's result: whether it could not finish (<paramref name="Busy"/>), the frames in the log and those copied.</summary>
public sealed record WalCheckpoint(bool Busy, long LogFrames, long CopiedFrames);
