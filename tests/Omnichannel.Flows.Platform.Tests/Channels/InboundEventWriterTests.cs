using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Tests.Data;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class InboundEventWriterTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task ADelivery_IsCommittedWithoutSyncingInTheWriteTurn_AndStoredOnceWhenDeliveredTwice()
    {
        var commits = new SyncModeOfCommits();
        var logSync = new DeferredLogSync(Options.Create(new DatabaseOptions()));
        var writer = await StartAsync(commits, logSync);
        try
        {
            var delivery = Delivery("first");
            Assert.True(await writer.WriteAsync(delivery, TestContext.Current.CancellationToken));
            // Answered once the log was flushed to disk.
            Assert.Equal(1, logSync.LogFlushes);
            Assert.False(await writer.WriteAsync(Delivery("first"), TestContext.Current.CancellationToken));

            // The commit leaves the log's flush to after the turn (DeferredLogSync.FlushLog), where the next writer is not held up.
            Assert.Equal([SyncModes.Normal], commits.Seen);
            await using var db = database.CreateContext();
            var stored = await db.InboundEvents.AsNoTracking().Include(e => e.Body).Where(e => e.DedupeKey == delivery.DedupeKey).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal(Encoding.UTF8.GetBytes("first"), Assert.Single(stored).Payload);
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task WithSyncEveryCommit_TheCommitSyncsItself()
    {
        var commits = new SyncModeOfCommits();
        var logSync = new DeferredLogSync(Options.Create(new DatabaseOptions { SyncEveryCommit = true }));
        var writer = await StartAsync(commits, logSync);
        try
        {
            Assert.True(await writer.WriteAsync(Delivery("synced"), TestContext.Current.CancellationToken));
            Assert.Equal([SyncModes.Full], commits.Seen);
            Assert.Equal(0, logSync.LogFlushes);
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheSameBodyOnAnotherChannel_IsAnotherDelivery()
    {
        var writer = await StartAsync(new SyncModeOfCommits(), new DeferredLogSync(Options.Create(new DatabaseOptions())));
        try
        {
            Assert.True(await writer.WriteAsync(Delivery("shared body"), TestContext.Current.CancellationToken));
            Assert.True(await writer.WriteAsync(Delivery("shared body", ChannelKind.Sms), TestContext.Current.CancellationToken));
            Assert.False(await writer.WriteAsync(Delivery("shared body", ChannelKind.Sms), TestContext.Current.CancellationToken));
        }
        finally
        {
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheDuplicateCheck_LooksKeysUpInTheUniqueIndex_NotThroughEveryStoredDelivery()
    {
        await using var db = database.CreateContext();
        var plan = await QueryPlans.PlanAsync(db, InboundEventWriter.StoredKeys(db, ChannelKind.WhatsApp, ["a", "b"]));

        var lookup = Assert.Single(plan);
        Assert.StartsWith("SEARCH", lookup, StringComparison.Ordinal);
        Assert.EndsWith("USING COVERING INDEX IX_InboundEvents_Channel_DedupeKey (Channel=? AND DedupeKey=?)", lookup, StringComparison.Ordinal);
    }

    private async Task<InboundEventWriter> StartAsync(SyncModeOfCommits commits, DeferredLogSync logSync)
    {
        var writer = new InboundEventWriter(new InterceptedContexts(database, commits), new DatabaseWriteGate(), logSync, NullLogger<InboundEventWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);
        return writer;
    }

    private static InboundEvent Delivery(string body, ChannelKind channel = ChannelKind.WhatsApp) => new()
    {
        Channel = channel,
        DedupeKey = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body))),
        Payload = Encoding.UTF8.GetBytes(body),
        ReceivedAt = DateTime.UtcNow,
    };

    /// <summary>Contexts on the test's database whose commits note how their connection syncs them.</summary>
    private sealed class InterceptedContexts(TestDatabase database, SyncModeOfCommits commits) : IDbContextFactory<FlowsDbContext>
    {
        public FlowsDbContext CreateDbContext() => new SqliteFlowsDbContext(new DbContextOptionsBuilder<SqliteFlowsDbContext>()
            .UseSqlite($"Data Source={database.DataSource};Pooling=True").AddInterceptors(commits).Options);
    }

    /// <summary>The <c>PRAGMA synchronous</c> of the connection of each commit, read just before it commits.</summary>
    private sealed class SyncModeOfCommits : DbTransactionInterceptor
    {
        private readonly ConcurrentQueue<long> seen = new();

        public IReadOnlyCollection<long> Seen => seen;

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            seen.Enqueue(await SyncModes.OfAsync(transaction.Connection!, transaction, cancellationToken));
            return result;
        }
    }
}
