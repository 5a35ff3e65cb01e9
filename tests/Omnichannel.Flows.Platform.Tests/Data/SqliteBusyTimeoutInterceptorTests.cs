using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class SqliteBusyTimeoutInterceptorTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "omnichannel-platform-tests", $"{Guid.NewGuid():N}.db");
    private readonly SqliteBusyTimeoutInterceptor interceptor = new(TimeSpan.FromSeconds(30));

    public SqliteBusyTimeoutInterceptorTests() => Directory.CreateDirectory(Path.GetDirectoryName(path)!);

    [Fact]
    public async Task EveryOpen_HasTheBusyTimeout_WhetherThePoolHandsOutANewConnectionOrOneUsedBefore()
    {
        // The pragma runs once per physical connection; a pooled connection opened again must still have it.
        var timeouts = new List<long>();
        for (var open = 0; open < 3; open++)
        {
            await using var db = Context(pooling: true);
            timeouts.Add(await BusyTimeoutAsync(db));
        }

        SqliteConnection.ClearAllPools(); // the next open gets a new physical connection
        await using (var db = Context(pooling: true))
        {
            timeouts.Add(await BusyTimeoutAsync(db));
        }

        Assert.Equal([30_000, 30_000, 30_000, 30_000], timeouts);
    }

    [Fact]
    public async Task WithoutPooling_EachConnectionGetsItToo()
    {
        await using var first = Context(pooling: false);
        await using var second = Context(pooling: false);

        Assert.Equal(30_000, await BusyTimeoutAsync(first));
        Assert.Equal(30_000, await BusyTimeoutAsync(second));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    private FlowsDbContext Context(bool pooling) => new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>()
        .UseSqlite($"Data Source={path};Pooling={pooling}").AddInterceptors(interceptor).Options);

    private static async Task<long> BusyTimeoutAsync(FlowsDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
