using System.Data.Common;
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
/// </summary>
public sealed class WalCheckpointer(IDbContextFactory<FlowsDbContext> dbs, IOptions<DatabaseOptions> options, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    private long checkpoints;
    private WalCheckpoint? last;

    /// <summary>Checkpoints made so far (tests wait for one).</summary>
    public long Checkpoints => Interlocked.Read(ref checkpoints);

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
        using var interval = new PeriodicTimer(options.Value.CheckpointInterval);
        try
        {
            while (await interval.WaitForNextTickAsync(stoppingToken))
            {
                Checkpoint(connection);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one more for what the last writes left (the writers stop before this does).
        }

        Checkpoint(connection);
    }

    /// <summary>One passive checkpoint; a failure is logged and the next tick tries again.</summary>
    private void Checkpoint(DbConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return;
            }

            var done = new WalCheckpoint(Busy: reader.GetInt64(0) != 0, LogFrames: reader.GetInt64(1), CopiedFrames: reader.GetInt64(2));
            Volatile.Write(ref last, done);
            Interlocked.Increment(ref checkpoints);
            if (done.LogFrames > 0)
            {
                logger.LogDebug("WAL checkpoint: {CopiedFrames} of {LogFrames} log frames in the database file", done.CopiedFrames, done.LogFrames);
            }
        }
        catch (SqliteException exception)
        {
            logger.LogWarning(exception, "A WAL checkpoint failed; the next one tries again");
        }
    }
}

/// <summary>A checkpoint's result: whether it could not finish (<paramref name="Busy"/>), the frames in the log and those copied.</summary>
public sealed record WalCheckpoint(bool Busy, long LogFrames, long CopiedFrames);
