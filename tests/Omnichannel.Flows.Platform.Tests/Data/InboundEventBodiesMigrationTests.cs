using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>
/// Deliveries stored before their bodies had a table of their own keep them: the migration moves every body across
/// (and back, down), so the processor still reads what the provider sent.
/// </summary>
public sealed class InboundEventBodiesMigrationTests : IAsyncLifetime
{
    private const string Before = "20261129050003_JournalClusteredByRun";
    private const string Moved = "20261129052946_InboundEventBodiesApart";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[]}""");

    private readonly string path = Path.Combine(Path.GetTempPath(), "omnichannel-platform-tests", $"{Guid.NewGuid():N}.db");
    private readonly Guid deliveryId = Guid.CreateVersion7();

    [Fact]
    public async Task ADeliveryStoredBefore_KeepsItsBody_InItsOwnRow_AndGetsItBackDown()
    {
        await MigrateAsync(Before);
        await InsertAsBeforeAsync();

        await MigrateAsync(null);

        await using (var db = Context())
        {
            var delivery = await db.InboundEvents.AsNoTracking().Include(e => e.Body).SingleAsync(e => e.Id == deliveryId, TestContext.Current.CancellationToken);
            Assert.Equal(Body, delivery.Payload);
            Assert.Equal(InboundEventState.Pending, delivery.State);
        }

        await MigrateAsync(Before);

        Assert.Equal(Body, await ScalarAsync<byte[]>("""SELECT "Payload" FROM "InboundEvents" WHERE "Id" = $id"""));
        Assert.Equal(0L, await ScalarAsync<long>("""SELECT COUNT(*) FROM sqlite_master WHERE name = 'InboundEventBodies'"""));
    }

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(path);
        return ValueTask.CompletedTask;
    }

    private FlowsDbContext Context() =>
        new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);

    /// <param name="target">The migration to end at; null for the latest.</param>
    private async Task MigrateAsync(string? target)
    {
        await using var db = Context();
        await db.GetService<IMigrator>().MigrateAsync(target, TestContext.Current.CancellationToken);
        Assert.Contains(Moved, db.Database.GetMigrations());
    }

    private async Task InsertAsBeforeAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO "InboundEvents" ("Id", "Channel", "DedupeKey", "ContentType", "Payload", "ReceivedAt", "State", "Attempts")
            VALUES ($id, 'WhatsApp', 'key-1', 'application/json', $body, '2026-11-29 05:00:00', 'Pending', 0)
            """;
        command.Parameters.AddWithValue("$id", deliveryId);
        command.Parameters.AddWithValue("$body", Body);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", deliveryId);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
