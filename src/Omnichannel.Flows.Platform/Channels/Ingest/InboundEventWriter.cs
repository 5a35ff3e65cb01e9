using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// Stores webhook deliveries with group commit: concurrent requests queue their delivery here and one loop writes
/// whatever has gathered in a single transaction, then releases every waiting request. A request is answered only
/// after its delivery is durable, yet the database sees one commit per batch instead of one per request. The batch
/// commits in its write turn and is flushed to disk after it (<see cref="DeferredLogSync.FlushLog"/>): the other writers
/// do not wait for the disk.
/// </summary>
public sealed class InboundEventWriter(
    IDbContextFactory<FlowsDbContext> dbs, DatabaseWriteGate gate, DeferredLogSync logSync, ILogger<InboundEventWriter> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    private readonly Channel<PendingWrite> queue = Channel.CreateBounded<PendingWrite>(
        new BoundedChannelOptions(20_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Stores <paramref name="delivery"/>; true if new, false if the same delivery was stored before.</summary>
    /// <exception cref="ChannelClosedException">The app is shutting down; the provider should retry.</exception>
    public async Task<bool> WriteAsync(InboundEvent delivery, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(delivery);
        await queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Stored.Task.WaitAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking new deliveries, then let ExecuteAsync drain what is queued before the host stops.
        queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>The commit loop runs on a thread of its own (<see cref="DedicatedWriterThread"/>): every webhook request waits on it.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DedicatedWriterThread.RunAsync("Webhook writer", CommitLoopAsync);

    private async Task CommitLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Storing {DeliveryCount} webhook deliveries failed", batch.Count);
                batch.ForEach(p => p.Stored.TrySetException(exception));
            }

            batch.Clear();
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        await using (var db = await dbs.CreateDbContextAsync())
        {
            await using (await logSync.BeginAsync(db, CancellationToken.None))
            {
                using (await gate.EnterForWebhooksAsync(CancellationToken.None))
                {
                    await StoreAsync(db, batch);
                }

                // Durable before any request is answered; the next writer commits meanwhile.
                logSync.FlushLog(db);
            }
        }

        batch.ForEach(p => p.Stored.TrySetResult(!p.Duplicate));
    }

    /// <summary>Inserts the deliveries of <paramref name="batch"/> not stored before, in one transaction.</summary>
    private async Task StoreAsync(FlowsDbContext db, List<PendingWrite> batch)
    {
        var stored = new HashSet<(ChannelKind Channel, string DedupeKey)>();
        foreach (var channel in batch.GroupBy(p => p.Delivery.Channel, p => p.Delivery.DedupeKey))
        {
            foreach (var key in await StoredKeys(db, channel.Key, [.. channel.Distinct()]).ToListAsync())
            {
                stored.Add((channel.Key, key));
            }
        }

        var fresh = new List<PendingWrite>(batch.Count);
        foreach (var pending in batch)
        {
            if (stored.Add((pending.Delivery.Channel, pending.Delivery.DedupeKey)))
            {
                fresh.Add(pending);
            }
            else
            {
                pending.Duplicate = true;
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        try
        {
            await InsertAsync(db, fresh);
        }
        catch (DbException)
        {
            // Another instance stored one of these in between (the unique key): one insert each, duplicates found.
            await CommitOneByOneAsync(fresh);
        }
    }

    /// <summary>
    /// The deliveries and their bodies in one transaction, many rows to a prepared statement: EF would prepare and run
    /// one statement per row, two per delivery, in the write turn. Inside the provider's execution strategy: one that
    /// retries (none is configured) runs the whole transaction again.
    /// </summary>
    private static Task InsertAsync(FlowsDbContext db, List<PendingWrite> fresh) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            using var prepared = new PreparedCommands(db);
            await prepared.InsertAllAsync([.. fresh.Select(p => p.Delivery)], CancellationToken.None);
            await prepared.InsertAllAsync([.. fresh.Select(p => p.Delivery.BodyRow())], CancellationToken.None);
            await transaction.CommitAsync();
        });

    /// <summary>
    /// Which of <paramref name="keys"/> are stored for <paramref name="channel"/>: looked up in the unique index, whose
    /// first column is the channel. Asked by key alone, SQLite reads that whole index — every delivery kept — for every
    /// batch, in the write turn (about 10 ms a batch at 100,000 deliveries, growing with the retention).
    /// </summary>
    internal static IQueryable<string> StoredKeys(FlowsDbContext db, ChannelKind channel, List<string> keys) =>
        db.InboundEvents.AsNoTracking().Where(e => e.Channel == channel && keys.Contains(e.DedupeKey)).Select(e => e.DedupeKey);

    private async Task CommitOneByOneAsync(List<PendingWrite> fresh)
    {
        foreach (var pending in fresh)
        {
            await using var db = await dbs.CreateDbContextAsync();
            db.InboundEvents.Add(pending.Delivery);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                var stored = await db.InboundEvents.AnyAsync(e =>
                    e.Channel == pending.Delivery.Channel && e.DedupeKey == pending.Delivery.DedupeKey);
                if (!stored)
                {
                    throw;
                }

                pending.Duplicate = true;
            }
        }
    }

    private sealed class PendingWrite(InboundEvent delivery)
    {
        public InboundEvent Delivery { get; } = delivery;
        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Duplicate { get; set; }
    }
}
