using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class WalCheckpointerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task WhatCommitsLeaveInTheLog_IsCopiedIntoTheDatabaseFile_OnTheCheckpointersInterval()
    {
        var factory = new SettingsFactory(database);
        await using var open = await OpenAsync(factory);
        var checkpointer = Checkpointer(factory, TimeSpan.FromMilliseconds(50));

        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            await WriteAsync(factory, pages: 1_500); // past the 1,000 pages at which SQLite would have checkpointed in the commit
            await WaitAsync(() => checkpointer.Last is { LogFrames: > 1_000 } done && done.CopiedFrames == done.LogFrames);
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stopping_CheckpointsWhatTheLastWritesLeft()
    {
        var factory = new SettingsFactory(database);
        await using var open = await OpenAsync(factory);
        var checkpointer = Checkpointer(factory, TimeSpan.FromMinutes(1)); // no tick during the test
        await checkpointer.StartAsync(CancellationToken.None);
        await WriteAsync(factory, pages: 50);

        await checkpointer.StopAsync(CancellationToken.None);

        Assert.Equal(1, checkpointer.Checkpoints);
        Assert.True(checkpointer.Last is { Busy: false, LogFrames: > 0 } done && done.CopiedFrames == done.LogFrames, $"{checkpointer.Last}");
    }

    [Fact]
    public async Task WhileWritersCommitBackToBack_TheLogStartsOverAtItsFront_AndIsCutBackToItsLimit()
    {
        var options = new DatabaseOptions { CheckpointInterval = TimeSpan.FromMilliseconds(50), CheckpointRestartPages = 200, LogSizeLimitMegabytes = 1 };
        var factory = new SettingsFactory(database, options);
        await using var open = await OpenAsync(factory);
        var gate = new DatabaseWriteGate();
        var checkpointer = new WalCheckpointer(factory, gate, Options.Create(options), NullLogger<WalCheckpointer>.Instance);
        var log = new FileInfo(database.DataSource + "-wal");
        long largest = 0;

        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            // 8 MB of commits, 40 KB each, taking the write turn as the app's writers do: no gap a passive checkpoint could finish in.
            for (var commit = 0; commit < 200 || checkpointer.Restarts < 2; commit++)
            {
                var restarted = checkpointer.Restarts > 0; // the log may have been any size before (this class shares its database)
                using (await gate.EnterAsync(CancellationToken.None))
                {
                    await WriteAsync(factory, pages: 10);
                }

                log.Refresh();
                largest = restarted ? Math.Max(largest, log.Length) : 0;
                Assert.True(commit < 2_000, $"No restart in 2,000 commits: {checkpointer.Last}");
            }
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }

        // Cut back to 1 MB at the first commit after a restart, then restarted again about 200 pages in (plus what a tick lets through).
        Assert.InRange(largest, 1, 4 * 1024 * 1024);
    }

    [Fact]
    public async Task ARestart_GivesWayToAReaderStillReadingTheLog_AndLeavesTheWriteTurnFree()
    {
        var factory = new SettingsFactory(database, RestartEarly);
        await using var open = await OpenAsync(factory);
        var gate = new DatabaseWriteGate();
        var checkpointer = RestartingEarly(factory, gate);
        await WriteAsync(factory, pages: 100);
        await using var reader = factory.CreateDbContext();
        await reader.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)reader.Database.GetDbConnection();
        await using var reading = connection.BeginTransaction(deferred: true); // no write lock: the read below starts a read transaction
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM Scratch;";
            await read.ExecuteScalarAsync(); // on the log as it is now, until the transaction ends
        }

        await WriteAsync(factory, pages: 100);

        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            await WaitAsync(() => checkpointer.Checkpoints >= 6);
            Assert.Equal(0, checkpointer.Restarts);
            using (await gate.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1)))
            {
                // The turn was handed back after each try.
            }

            await reading.CommitAsync();
            await WaitAsync(() => checkpointer.Restarts > 0);
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task BeforeARestartTakesTheWriteTurn_ItCopiesWhatCameMeanwhileAndFlushesTheDatabaseFile_OutsideTheTurn()
    {
        var factory = new SettingsFactory(database, RestartEarly);
        await using var open = await OpenAsync(factory);
        var gate = new DatabaseWriteGate();
        var checkpointer = RestartingEarly(factory, gate);
        await WriteAsync(factory, pages: 100);

        var writer = await gate.EnterAsync(CancellationToken.None); // a writer holds the turn: the restart waits for it
        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            // The tick's pass, the pass that copies what came meanwhile and the flush; then the checkpointer waits for the turn.
            await WaitAsync(() => checkpointer.Checkpoints >= 2);
            await Task.Delay(200); // ticks enough for more passes, were it not waiting
            Assert.Equal((2, OperatingSystem.IsLinux() ? 1 : 0, 0), (checkpointer.Checkpoints, checkpointer.FlushesBeforeRestart, checkpointer.Restarts));

            writer.Dispose();
            await WaitAsync(() => checkpointer.Restarts > 0);
        }
        finally
        {
            writer.Dispose();
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ALogRestartedWithNothingCommittedSince_IsNotRestartedAgainOnEveryTick()
    {
        var factory = new SettingsFactory(database, RestartEarly);
        await using var open = await OpenAsync(factory);
        var checkpointer = RestartingEarly(factory, new DatabaseWriteGate());
        await WriteAsync(factory, pages: 100);

        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            await WaitAsync(() => checkpointer.Restarts > 0);
            var (restarts, checkpoints) = (checkpointer.Restarts, checkpointer.Checkpoints);
            // SQLite still reports the restarted log's frames, all copied, until the next commit writes at its front.
            await WaitAsync(() => checkpointer.Checkpoints >= checkpoints + 6);
            Assert.Equal(restarts, checkpointer.Restarts);

            await WriteAsync(factory, pages: 150); // not the first write's size: the log's frame count is what tells commits happened
            await WaitAsync(() => checkpointer.Restarts > restarts);
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task LeftToSqlite_ItDoesNothing()
    {
        var checkpointer = new WalCheckpointer(new SettingsFactory(database), new DatabaseWriteGate(),
            Options.Create(new DatabaseOptions { CheckpointInBackground = false, CheckpointInterval = TimeSpan.FromMilliseconds(50) }),
            NullLogger<WalCheckpointer>.Instance);

        await checkpointer.StartAsync(CancellationToken.None);
        await Task.Delay(200);
        await checkpointer.StopAsync(CancellationToken.None);

        Assert.Equal(0, checkpointer.Checkpoints);
    }

    /// <summary>Ticks every 50 ms and restarts the log past 10 pages: a test's few writes are enough for a restart.</summary>
    private static readonly DatabaseOptions RestartEarly = new() { CheckpointInterval = TimeSpan.FromMilliseconds(50), CheckpointRestartPages = 10 };

    private static WalCheckpointer RestartingEarly(IDbContextFactory<FlowsDbContext> factory, DatabaseWriteGate gate) =>
        new(factory, gate, Options.Create(RestartEarly), NullLogger<WalCheckpointer>.Instance);

    private static WalCheckpointer Checkpointer(IDbContextFactory<FlowsDbContext> factory, TimeSpan interval) =>
        new(factory, new DatabaseWriteGate(), Options.Create(new DatabaseOptions { CheckpointInterval = interval }), NullLogger<WalCheckpointer>.Instance);

    /// <summary>
    /// A connection held open through the test, as the app always holds some: when the last connection to a database
    /// closes, SQLite checkpoints the log itself and deletes it.
    /// </summary>
    private static async Task<FlowsDbContext> OpenAsync(IDbContextFactory<FlowsDbContext> factory)
    {
        var db = await factory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
        return db;
    }

    /// <summary>Commits about <paramref name="pages"/> pages of rows on a connection with the app's settings.</summary>
    private static async Task WriteAsync(IDbContextFactory<FlowsDbContext> factory, int pages)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE IF NOT EXISTS Scratch (Bytes BLOB NOT NULL);");
        await db.Database.ExecuteSqlAsync($"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {pages}) INSERT INTO Scratch SELECT randomblob(3500) FROM n;");
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!done())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>Contexts on the test database with the app's per-connection settings (automatic checkpoints off).</summary>
    private sealed class SettingsFactory(TestDatabase database, DatabaseOptions? options = null) : IDbContextFactory<FlowsDbContext>
    {
        private readonly SqliteConnectionSettings settings = new(TimeSpan.FromSeconds(30), options ?? new DatabaseOptions());

        public FlowsDbContext CreateDbContext() => new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>()
            .UseSqlite($"Data Source={database.DataSource};Pooling=False").AddInterceptors(settings).Options);
    }
}
