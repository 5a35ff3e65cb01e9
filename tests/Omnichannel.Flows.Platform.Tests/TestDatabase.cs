using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests;

/// <summary>A migrated SQLite file of its own per test class; each test opens contexts on it as the app does.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "omnichannel-platform-tests", $"{Guid.NewGuid():N}.db");

    /// <summary>The database file.</summary>
    public string DataSource => path;

    /// <summary>For services that open their own contexts (<c>IDbContextFactory</c>).</summary>
    public IDbContextFactory<FlowsDbContext> Factory => new ContextFactory(this);

    public FlowsDbContext CreateContext() =>
        new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);

    /// <summary>A context whose connection comes from Microsoft.Data.Sqlite's pool, as the app's do.</summary>
    public FlowsDbContext CreatePooledContext() =>
        new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={path};Pooling=True").Options);

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
        return ValueTask.CompletedTask;
    }

    private sealed class ContextFactory(TestDatabase database) : IDbContextFactory<FlowsDbContext>
    {
        public FlowsDbContext CreateDbContext() => database.CreateContext();
    }
}
