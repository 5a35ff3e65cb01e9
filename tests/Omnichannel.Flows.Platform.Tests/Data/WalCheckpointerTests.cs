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
    public async Task LeftToSqlite_ItDoesNothing()
    {
        var checkpointer = new WalCheckpointer(new SettingsFactory(database),
            Options.Create(new DatabaseOptions { CheckpointInBackground = false, CheckpointInterval = TimeSpan.FromMilliseconds(50) }),
            NullLogger<WalCheckpointer>.Instance);

        await checkpointer.StartAsync(CancellationToken.None);
        await Task.Delay(200);
        await checkpointer.StopAsync(CancellationToken.None);

        Assert.Equal(0, checkpointer.Checkpoints);
    }

    private static WalCheckpointer Checkpointer(IDbContextFactory<FlowsDbContext> factory, TimeSpan interval) =>
        new(factory, Options.Create(new DatabaseOptions { CheckpointInterval = interval }), NullLogger<WalCheckpointer>.Instance);

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
    private sealed class SettingsFactory(TestDatabase database) : IDbContextFactory<FlowsDbContext>
    {
        private readonly SqliteConnectionSettings settings = new(TimeSpan.FromSeconds(30), checkpointInBackground: true);

        public FlowsDbContext CreateDbContext() => new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>()
            .UseSqlite($"Data Source={database.DataSource};Pooling=False").AddInterceptors(settings).Options);
    }
}
