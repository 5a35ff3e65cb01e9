using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

public sealed class WriterPageCacheTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    /// <summary>SQLite's default cache size (negative: KiB).</summary>
    private const long SqliteDefault = -2000;

    [Fact]
    public async Task Enlarge_CachesTheConfiguredSize_AndDisposing_RestoresTheDefault_BeforeThePooledConnectionIsHandedOutAgain()
    {
        var cache = new WriterPageCache(Options.Create(new DatabaseOptions { WriterCacheMegabytes = 48 }));
        await using (var db = database.CreatePooledContext())
        {
            await using (await cache.EnlargeAsync(db, CancellationToken.None))
            {
                Assert.Equal(-48 * 1024, await CacheSizeAsync(db));
            }

            Assert.Equal(SqliteDefault, await CacheSizeAsync(db));
        }

        await using var next = database.CreatePooledContext();
        Assert.Equal(SqliteDefault, await CacheSizeAsync(next));
    }

    private static async Task<long> CacheSizeAsync(DbContext db) =>
        (await db.Database.SqlQueryRaw<long>("SELECT cache_size AS Value FROM pragma_cache_size").ToListAsync()).Single();
}
