using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "omnichannel-platform-tests", $"{Guid.NewGuid():N}.db");
    private readonly SqliteConnectionSettings settings = new(TimeSpan.FromSeconds(30), new DatabaseOptions());

    public SqliteConnectionSettingsTests() => Directory.CreateDirectory(Path.GetDirectoryName(path)!);

    [Fact]
    public async Task EveryOpen_HasTheBusyTimeout_WhetherThePoolHandsOutANewConnectionOrOneUsedBefore()
    {
        // The pragma runs once per physical connection; a pooled connection opened again must still have it.
        var timeouts = new List<long>();
        for (var open = 0; open < 3; open++)
        {
            await using var db = Context(pooling: true);
            timeouts.Add(await PragmaAsync(db, "busy_timeout"));
        }

        SqliteConnection.ClearAllPools(); // the next open gets a new physical connection
        await using (var db = Context(pooling: true))
        {
            timeouts.Add(await PragmaAsync(db, "busy_timeout"));
        }

        Assert.Equal([30_000, 30_000, 30_000, 30_000], timeouts);
    }

    [Fact]
    public async Task WithoutPooling_EachConnectionGetsItToo()
    {
        await using var first = Context(pooling: false);
        await using var second = Context(pooling: false);

        Assert.Equal(30_000, await PragmaAsync(first, "busy_timeout"));
        Assert.Equal(30_000, await PragmaAsync(second, "busy_timeout"));
    }

    [Fact]
    public async Task CheckpointingInBackground_TurnsSqlitesAutomaticCheckpointsOff_OtherwiseTheyStayOnAtAThousandPages()
    {
        await using var background = Context(pooling: false);
        await using var automatic = Context(pooling: false, new SqliteConnectionSettings(TimeSpan.FromSeconds(30), new DatabaseOptions { CheckpointInBackground = false }));

        Assert.Equal(0, await PragmaAsync(background, "wal_autocheckpoint"));
        Assert.Equal(1000, await PragmaAsync(automatic, "wal_autocheckpoint"));
        Assert.Equal(30_000, await PragmaAsync(automatic, "busy_timeout"));
    }

    [Fact]
    public async Task TheSizeTheLogIsCutBackTo_IsTheConfiguredOne()
    {
        await using var defaults = Context(pooling: false);
        await using var configured = Context(pooling: false,
            new SqliteConnectionSettings(TimeSpan.FromSeconds(30), new DatabaseOptions { LogSizeLimitMegabytes = 16 }));

        Assert.Equal(64L * 1024 * 1024, await PragmaAsync(defaults, "journal_size_limit"));
        Assert.Equal(16L * 1024 * 1024, await PragmaAsync(configured, "journal_size_limit"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    private FlowsDbContext Context(bool pooling, SqliteConnectionSettings? with = null) => new SqliteFlowsDbContext(
        new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={path};Pooling={pooling}").AddInterceptors(with ?? settings).Options);

    private static async Task<long> PragmaAsync(FlowsDbContext db, string pragma)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma};";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
