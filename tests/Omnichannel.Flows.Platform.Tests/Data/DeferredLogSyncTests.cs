using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class DeferredLogSyncTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Begin_RelaxesTheConnectionsCommits_AndDisposing_RestoresFull_BeforeThePooledConnectionIsHandedOutAgain()
    {
        var sync = new DeferredLogSync(Options.Create(new DatabaseOptions()));
        await using (var db = database.CreatePooledContext())
        {
            await using (await sync.BeginAsync(db, CancellationToken.None))
            {
                Assert.Equal(SyncModes.Normal, await SynchronousAsync(db));
            }

            Assert.Equal(SyncModes.Full, await SynchronousAsync(db));
        }

        // The pool hands the same physical connection out again: the default again.
        await using var next = database.CreatePooledContext();
        Assert.Equal(SyncModes.Full, await SynchronousAsync(next));
    }

    [Fact]
    public async Task Begin_InsideATransaction_SaysSo_WhereSqliteWouldFailItsStatement()
    {
        var sync = new DeferredLogSync(Options.Create(new DatabaseOptions()));
        await using var db = database.CreatePooledContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => sync.BeginAsync(db, CancellationToken.None));
        Assert.Contains("outside a transaction", refused.Message);
    }

    [Fact]
    public async Task ARestoreThatFails_KeepsThePhysicalConnectionOutOfThePool()
    {
        var sync = new DeferredLogSync(Options.Create(new DatabaseOptions()));
        await using (var db = database.CreatePooledContext())
        {
            var deferred = await sync.BeginAsync(db, CancellationToken.None);
            // A failure left a transaction open: SQLite refuses to change the setting inside it.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await deferred.DisposeAsync();
        }

        await using var next = database.CreatePooledContext();
        Assert.Equal(SyncModes.Full, await SynchronousAsync(next));
    }

    [Fact]
    public async Task WithSyncEveryCommit_NothingChanges()
    {
        var sync = new DeferredLogSync(Options.Create(new DatabaseOptions { SyncEveryCommit = true }));
        await using var db = database.CreatePooledContext();
        await using (await sync.BeginAsync(db, CancellationToken.None))
        {
            Assert.Equal(SyncModes.Full, await SynchronousAsync(db));
        }
    }

    [Fact]
    public async Task FlushLog_AfterACommitThatLeftItsSync_FindsTheLogOfTheContextsDatabase()
    {
        var sync = new DeferredLogSync(Options.Create(new DatabaseOptions()));
        await using var db = database.CreatePooledContext();
        await using (await sync.BeginAsync(db, CancellationToken.None))
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE IF NOT EXISTS FlushedRows (Id INTEGER PRIMARY KEY)");
            await db.Database.ExecuteSqlRawAsync("INSERT INTO FlushedRows DEFAULT VALUES");
            sync.FlushLog(db);
        }

        Assert.True(new FileInfo(database.DataSource + "-wal").Length > 0);
    }

    [Fact]
    public async Task FlushLog_OnADatabaseWithoutAWriteAheadLog_SaysSo_RatherThanAnswerAsIfDurable()
    {
        var path = Path.Combine(Path.GetTempPath(), "omnichannel-platform-tests", $"{Guid.NewGuid():N}-rollback.db");
        var sync = new DeferredLogSync(Options.Create(new DatabaseOptions()));
        try
        {
            await using var db = new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = DELETE; CREATE TABLE Rows (Id INTEGER PRIMARY KEY); INSERT INTO Rows DEFAULT VALUES;");

            var refused = Assert.Throws<InvalidOperationException>(() => sync.FlushLog(db));
            Assert.Contains("no write-ahead log", refused.Message);
            // Where every commit syncs itself there is nothing to flush.
            new DeferredLogSync(Options.Create(new DatabaseOptions { SyncEveryCommit = true })).FlushLog(db);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<long> SynchronousAsync(FlowsDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            return await SyncModes.OfAsync(db.Database.GetDbConnection());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
