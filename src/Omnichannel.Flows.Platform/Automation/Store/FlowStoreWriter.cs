using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>
/// Group commit for <see cref="EfFlowStore"/>: every write (a start decision, a step, a resume's conditional consume)
/// queues here and one loop applies whatever has gathered, in order, in a single transaction — one commit for many
/// runs' steps. Appended steps return at once; commits and consumes return once their transaction is durable, which
/// includes every earlier write of the same instance (the queue is FIFO). If a batch fails, its writes are retried one
/// by one, so one bad write fails alone.
/// </summary>
public sealed class FlowStoreWriter(
    IDbContextFactory<FlowsDbContext> dbs,
    DatabaseWriteGate gate,
    DeferredLogSync deferredSync,
    WriterPageCache pageCache,
    IOptions<AutomationOptions> options,
    ILogger<FlowStoreWriter> logger) : BackgroundService
{
    private readonly Channel<StoreWrite> queue = Channel.CreateBounded<StoreWrite>(
        new BoundedChannelOptions(20_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Snapshots appended but not yet written, so reads see them.</summary>
    private readonly ConcurrentDictionary<string, FlowInstance> buffered = new(StringComparer.Ordinal);

    /// <summary>Instances one of whose appended steps failed to save: their next commit must fail, not pretend.</summary>
    private readonly ConcurrentDictionary<string, Exception> poisoned = new(StringComparer.Ordinal);

    /// <summary>Batches written so far (tests see group commit happen).</summary>
    public long Batches => Interlocked.Read(ref batches);

    private long batches;

    /// <summary>The context and commands batches are written with (<see cref="SessionAsync"/>); only the write loop uses it.</summary>
    private (FlowsDbContext Db, FlowStoreCommands Sql, IAsyncDisposable DeferredSync, IAsyncDisposable PageCache)? session;

    public FlowInstance? Buffered(string instanceId) => buffered.GetValueOrDefault(instanceId);

    /// <summary>Queues <paramref name="write"/> without waiting for it (an appended step).</summary>
    internal async ValueTask AppendAsync(CheckpointWrite write, CancellationToken cancellationToken)
    {
        write.Prepare();
        buffered[write.InstanceId] = write.Checkpoint.Instance;
        await queue.Writer.WriteAsync(write, cancellationToken);
    }

    /// <summary>Queues <paramref name="write"/> and returns its result once it is durable.</summary>
    internal async Task<T> SubmitAsync<T>(StoreWrite<T> write, CancellationToken cancellationToken)
    {
        write.Prepare();
        await queue.Writer.WriteAsync(write, cancellationToken);
        return (T)(await write.Done.Task.WaitAsync(cancellationToken))!;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Take nothing new, then let ExecuteAsync write what is queued before the host stops.
        queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>The write loop runs on a thread of its own (<see cref="DedicatedWriterThread"/>): every run waits on its commits.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DedicatedWriterThread.RunAsync("Flow store writer", WriteLoopAsync);

    private async Task WriteLoopAsync()
    {
        await using (var db = await dbs.CreateDbContextAsync())
        {
            // The rows its commands insert and update: their accessors are built before the first batch needs them.
            PreparedCommands.PrepareAccessors(db.Model, typeof(FlowInstanceRecord), typeof(FlowBookmarkRecord), typeof(FlowJournalRecord));
        }

        var batch = new List<StoreWrite>(options.Value.StoreBatchSize);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < options.Value.StoreBatchSize && queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            await WriteBatchAsync(batch);
            batch.Clear();
        }

        await EndSessionAsync();
    }

    private async Task WriteBatchAsync(List<StoreWrite> batch)
    {
        var ready = batch.Where(w => !FailIfPoisoned(w)).ToList();
        try
        {
            if (ready.Count > 0)
            {
                var results = await InTransactionAsync(ready);
                for (var i = 0; i < ready.Count; i++)
                {
                    ready[i].Done.TrySetResult(results[i]);
                }
            }
        }
        catch (Exception exception) when (ready.Count > 1)
        {
            logger.LogWarning(exception, "Writing {WriteCount} flow store writes together failed; writing them one by one", ready.Count);
            foreach (var write in ready)
            {
                await WriteAloneAsync(write);
            }
        }
        catch (Exception exception)
        {
            Fail(ready[0], exception);
        }
        finally
        {
            foreach (var write in batch.OfType<CheckpointWrite>())
            {
                // Only if no later step of the run replaced it: compared by reference first (an instance's own Equals
                // compares every field, and a run's later steps are the common case).
                if (buffered.TryGetValue(write.InstanceId, out var current) && ReferenceEquals(current, write.Checkpoint.Instance))
                {
                    buffered.TryRemove(KeyValuePair.Create(write.InstanceId, current));
                }
            }
        }
    }

    private async Task WriteAloneAsync(StoreWrite write)
    {
        if (FailIfPoisoned(write))
        {
            return;
        }

        try
        {
            write.Done.TrySetResult((await InTransactionAsync([write]))[0]);
        }
        catch (Exception exception)
        {
            Fail(write, exception);
        }
    }

    private async Task<object?[]> InTransactionAsync(List<StoreWrite> writes)
    {
        var (db, sql) = await SessionAsync();
        var results = new object?[writes.Count];
        var together = WrittenTogether(writes);
        var grouped = Group(writes, together);
        try
        {
            // Inside the provider's execution strategy: one that retries (none is configured) runs the whole batch again.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                // In turn with webhook commits and inbound processing (one SQLite writer): waiting here is first come,
                // first served, where waiting in SQLite's busy handler loses to whoever holds the lock back to back.
                using var turn = await gate.EnterAsync(CancellationToken.None);
                await using var transaction = await db.Database.BeginTransactionAsync();
                await ApplyAsync(writes, together, grouped, sql, results);
                await transaction.CommitAsync();
            });
        }
        catch
        {
            // The connection may be in any state: the next batch starts a session of its own.
            await EndSessionAsync();
            throw;
        }

        db.ChangeTracker.Clear();
        Interlocked.Increment(ref batches);
        return results;
    }

    /// <summary>
    /// The writer's context, its connection held open and its commands prepared once, for batch after batch: opening a
    /// connection and preparing the statements again for every batch would happen inside the write turn. A run's steps
    /// are redoable work: their commits leave syncing the log to the next synced commit (<see cref="DeferredLogSync"/>).
    /// The connection keeps a larger page cache while the session lasts (<see cref="WriterPageCache"/>).
    /// </summary>
    private async Task<(FlowsDbContext Db, FlowStoreCommands Sql)> SessionAsync()
    {
        if (session is null)
        {
            var db = await dbs.CreateDbContextAsync();
            IAsyncDisposable? deferred = null;
            try
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                await db.Database.OpenConnectionAsync();
                deferred = await deferredSync.BeginAsync(db, CancellationToken.None);
                session = (db, new FlowStoreCommands(db), deferred, await pageCache.EnlargeAsync(db, CancellationToken.None));
            }
            catch
            {
                // The connection goes back to the pool: not with the log sync relaxed.
                if (deferred is not null)
                {
                    await deferred.DisposeAsync();
                }

                await db.DisposeAsync();
                throw;
            }
        }

        return (session.Value.Db, session.Value.Sql);
    }

    private async Task EndSessionAsync()
    {
        if (session is { } ended)
        {
            session = null;
            ended.Sql.Dispose();
            await ended.PageCache.DisposeAsync();
            await ended.DeferredSync.DisposeAsync();
            await ended.Db.DisposeAsync();
        }
    }

    /// <summary>
    /// The steps of a run written together get one <see cref="StepRows"/>, at the position they are written at, from the
    /// rows their callers built (a write standing alone applies its own).
    /// </summary>
    private static StepRows?[] Group(List<StoreWrite> writes, List<int>?[] together)
    {
        var grouped = new StepRows?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            if (together[i] is { Count: > 1 } steps)
            {
                grouped[i] = StepRows.Together([.. steps.Select(j => ((CheckpointWrite)writes[j]).Rows)]);
            }
        }

        return grouped;
    }

    private static async Task ApplyAsync(List<StoreWrite> writes, List<int>?[] together, StepRows?[] grouped, FlowStoreCommands sql, object?[] results)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            switch (together[i])
            {
                case null:
                    continue; // written with a later step of its run
                case [var alone]:
                    results[alone] = await writes[alone].ApplyAsync(sql, CancellationToken.None);
                    break;
                case var steps:
                    var applied = await CheckpointWrite.ApplyAsync(sql, grouped[i]!, CancellationToken.None);
                    steps.ForEach(j => results[j] = applied);
                    break;
            }

            sql.Db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// What to write at each position of the batch: steps of one run that follow each other with only other runs' steps
    /// between (no start or consume, which read or change runs' rows) are written together at the last of them — one
    /// update with the last snapshot plus each step's journal and bookmarks, the same rows as one by one, in the same
    /// transaction — and the earlier positions hold null. Every other write stands alone at its own position.
    /// </summary>
    private static List<int>?[] WrittenTogether(List<StoreWrite> writes)
    {
        var together = new List<int>?[writes.Count];
        var open = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i] is CheckpointWrite step)
            {
                (open.TryGetValue(step.InstanceId, out var steps) ? steps : open[step.InstanceId] = []).Add(i);
            }
            else
            {
                Close(open, together);
                together[i] = [i];
            }
        }

        Close(open, together);
        return together;

        static void Close(Dictionary<string, List<int>> open, List<int>?[] together)
        {
            foreach (var steps in open.Values)
            {
                together[steps[^1]] = steps;
            }

            open.Clear();
        }
    }

    private void Fail(StoreWrite write, Exception exception)
    {
        logger.LogError(exception, "A flow store write for instance {InstanceId} failed", write.InstanceId);
        if (write is CheckpointWrite { Awaited: false } && write.InstanceId is { } instanceId)
        {
            poisoned[instanceId] = exception;
        }

        write.Done.TrySetException(exception);
    }

    /// <summary>A commit or consume after an appended step of the same instance failed fails too (and clears the mark).</summary>
    private bool FailIfPoisoned(StoreWrite write)
    {
        if (write is CheckpointWrite { Awaited: false } || write.InstanceId is not { } instanceId || !poisoned.TryRemove(instanceId, out var cause))
        {
            return false;
        }

        write.Done.TrySetException(new InvalidOperationException($"An earlier step of flow instance {instanceId} could not be saved.", cause));
        return true;
    }
}
