using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Engine.Serialization;
using Omnichannel.Flows.Platform.Automation.Activities;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.WarmUp;

/// <summary>
/// Runs a built-in flow a few hundred times right after a start, the way due timers run: each run waits a second, the
/// timer pump claims its timer and the timer job resumes it, it POSTs to the app's own address (a flow HTTP step) and
/// ends. Then every row of those runs is deleted.
/// <para>
/// The app ships precompiled (ReadyToRun), and the runtime recompiles a method optimized once it has been called. The
/// resume path (the engine, the store's writer, EF Core, JSON, the HTTP client) is about 600 methods. Without this, the
/// first burst of due timers after a start (timers that fell due during a restart) runs on the precompiled code while
/// those are recompiled beside it on one of the cores: a third more CPU per timer than the same burst a minute later.
/// </para>
/// <para>
/// The flow is not stored: <see cref="EfFlowDefinitionStore"/> serves it, nothing triggers it, and its id is not one an
/// import accepts, so no user flow can have it.
/// </para>
/// </summary>
public sealed class FlowWarmUp(
    FlowRunner runner, IFlowFactsFactory facts, IDbContextFactory<FlowsDbContext> dbs, DatabaseWriteGate gate, TimeProvider time,
    ILogger<FlowWarmUp> logger)
{
    /// <summary>The built-in flow's id: the flow JSON schema's ids start with a letter or a digit.</summary>
    public const string FlowId = "_warm-up";

    public const int Version = 1;

    private const int StartsAtOnce = 16;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A warm-up run this old was left by a process that stopped mid-way (a warm-up waits ten minutes at most).</summary>
    private static readonly TimeSpan LeftOverAfter = TimeSpan.FromMinutes(15);

    /// <summary>Manual start → wait a second → POST <c>{{ trigger.url }}</c> → end, runs of it side by side.</summary>
    public static FlowDefinition Definition { get; } = FlowJsonReader.Read($$$"""
        {
          "schemaVersion": 1,
          "id": "{{{FlowId}}}",
          "name": "Start-up warm-up",
          "description": "Built in: run after a start so that the first burst of due timers finds the resume path compiled.",
          "version": {{{Version}}},
          "concurrency": "parallel",
          "nodes": [
            { "id": "start", "type": "flow.manualTrigger", "inputs": {}, "position": { "x": 0, "y": 0 } },
            { "id": "wait", "type": "flow.wait", "inputs": { "duration": "PT1S" }, "position": { "x": 220, "y": 0 } },
            {
              "id": "call",
              "type": "flow.httpRequest",
              "inputs": { "method": "POST", "url": "{{ trigger.url }}", "body": "{ \"warmUp\": {{ trigger.run }} }" },
              "position": { "x": 440, "y": 0 }
            },
            { "id": "end", "type": "flow.end", "inputs": {}, "position": { "x": 660, "y": 0 } }
          ],
          "connections": [
            { "source": { "node": "start", "port": "done" }, "target": { "node": "wait", "port": "in" } },
            { "source": { "node": "wait", "port": "done" }, "target": { "node": "call", "port": "in" } },
            { "source": { "node": "call", "port": "done" }, "target": { "node": "end", "port": "in" } }
          ]
        }
        """);

    /// <summary>
    /// Starts <paramref name="runs"/> runs whose HTTP step POSTs to <paramref name="url"/> and waits for them to end, for
    /// <paramref name="timeout"/> at most; then deletes them. Runs an earlier process left (it stopped mid-way) are deleted
    /// first once they are older than any warm-up lasts: another app instance on the same database may be warming up now.
    /// </summary>
    /// <returns>The runs that finished.</returns>
    public async Task<int> RunAsync(Uri url, int runs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(runs);
        var watch = Stopwatch.StartNew();
        var leftBefore = time.GetUtcNow().UtcDateTime - LeftOverAfter;
        await RemoveAsync(run => run.CreatedAt < leftBefore, cancellationToken);
        var started = new ConcurrentQueue<string>();
        try
        {
            var noContact = await facts.CreateAsync(null, cancellationToken);
            await Parallel.ForEachAsync(Enumerable.Range(0, runs), new ParallelOptions { MaxDegreeOfParallelism = StartsAtOnce, CancellationToken = cancellationToken },
                async (run, ct) =>
                {
                    var payload = JsonSerializer.SerializeToElement(new { url = url.AbsoluteUri, run });
                    var start = await runner.StartAsync(FlowId, Version, "start", new TriggerEvent($"warm-up:{Guids.NewRandom():N}", null, payload), noContact, ct);
                    if (start.Instance is { } instance)
                    {
                        started.Enqueue(instance.Id);
                    }
                });
            var finished = await FinishedAsync([.. started], timeout - watch.Elapsed, cancellationToken);
            logger.LogInformation("Warmed up the flow engine: {Finished} of {Runs} runs finished in {ElapsedMs} ms", finished, runs, watch.ElapsedMilliseconds);
            return finished;
        }
        finally
        {
            List<string> ids = [.. started];
            await RemoveAsync(run => ids.Contains(run.Id), CancellationToken.None);
        }
    }

    /// <summary>Waits until none of the runs is running or waiting, or <paramref name="timeout"/> passed; returns how many finished.</summary>
    private async Task<int> FinishedAsync(List<string> ids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var runs = db.FlowInstances.AsNoTracking().Where(i => ids.Contains(i.Id));
        while (deadline.Elapsed < timeout && await runs.AnyAsync(i => i.Status == FlowStatus.Running || i.Status == FlowStatus.Suspended, cancellationToken))
        {
            await Task.Delay(PollInterval, cancellationToken);
        }

        return await runs.CountAsync(i => i.Status == FlowStatus.Finished, cancellationToken);
    }

    /// <summary>Deletes the rows of the warm-up runs <paramref name="which"/> picks, in the database's write turn like every other writer.</summary>
    private async Task RemoveAsync(Expression<Func<FlowInstanceRecord, bool>> which, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The runs through the index by flow; their trigger events through their key; the rest through the indexes by run.
        var runs = db.FlowInstances.Where(i => i.FlowId == FlowId).Where(which);
        var events = runs.Select(i => i.TriggerEventId);
        await db.FlowTriggerEvents.Where(e => e.FlowId == FlowId && events.Contains(e.EventId)).ExecuteDeleteAsync(cancellationToken);
        var removed = await FlowRunDeletion.DeleteAsync(db, runs, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogDebug("Removed {Runs} warm-up runs", removed);
    }
}
