using System.Collections.Immutable;
using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// The step loop: runs an instance's pending nodes one by one, turns each outcome into a new snapshot and checkpoint,
/// appends every checkpoint (the store may buffer) and commits the last one durably, then schedules new timers.
/// </summary>
internal sealed class FlowStepper(IFlowStore store, IFlowTimerScheduler timers)
{
    /// <summary>
    /// How many steps a run may take in one go, before it waits (for a time, a reply, an event) or ends. A flow that loops
    /// back without a wait would otherwise spin for ever, holding a worker and writing its journal; it faults at the
    /// step past this instead, into the dead letter with an error that says why (a retry gives it as many steps again).
    /// </summary>
    public const int MaxStepsWithoutWaiting = 1_000;

    /// <summary>Runs until no work is pending or the instance stops; returns with everything durable.</summary>
    public async ValueTask RunAsync(FlowRun run)
    {
        var token = run.CancellationToken;
        var steps = 0;
        while (run.Instance is { Status: FlowStatus.Running, Pending.Length: > 0 })
        {
            var item = run.Instance.Pending[0];
            var node = run.Flow.Find(item.NodeId)
                       ?? throw new InvalidOperationException($"Flow '{run.Flow.Id}' v{run.Flow.Version} has no node '{item.NodeId}'.");
            var outcome = ++steps > MaxStepsWithoutWaiting
                ? ActivityOutcome.Fault(
                    $"The run took {MaxStepsWithoutWaiting} steps without waiting and was stopped here: does the flow loop back without a wait?")
                : await InvokeAsync(run, node, item, resumed: null, payload: null);
            var checkpoint = Apply(run, node, item, outcome, consumed: []);
            if (checkpoint.Instance.Status == FlowStatus.Running)
            {
                await store.AppendAsync(checkpoint, token);
            }
            else
            {
                await store.CommitAsync(checkpoint, token);
                FlowMetrics.Committed(checkpoint);
            }
        }

        await ScheduleTimersAsync(run);
    }

    /// <summary>Runs the activity (execute, or resume from <paramref name="resumed"/>); an exception becomes a fault.</summary>
    public static async ValueTask<ActivityOutcome> InvokeAsync(FlowRun run, CompiledNode node, WorkItem item, Bookmark? resumed, JsonElement? payload)
    {
        var variables = run.Variables;
        run.Context.Enter(node, item);
        var started = FlowMetrics.StepStarting();
        ActivityOutcome outcome;
        try
        {
            outcome = resumed is null
                ? await node.Activity.ExecuteAsync(run.Context)
                : await node.Activity.ResumeAsync(run.Context, resumed, payload);
        }
        catch (OperationCanceledException) when (run.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            outcome = ActivityOutcome.Fault($"{exception.GetType().Name}: {exception.Message}");
        }

        if (outcome.Kind == OutcomeKind.Continue && !node.Ports.Contains(outcome.Port!))
        {
            outcome = ActivityOutcome.Fault($"'{node.Descriptor.Type}' chose port '{outcome.Port}', which it does not have.");
        }

        if (outcome.Kind == OutcomeKind.Fault)
        {
            run.Variables = variables;
        }

        FlowMetrics.Stepped(started, run.Flow.Id, node.Descriptor.Type, outcome);
        return outcome;
    }

    /// <summary>
    /// Folds a step's outcome into the next snapshot. <paramref name="consumed"/> is the bookmark group a resumed step
    /// fired from (empty for a pending item, which is at the head of <see cref="FlowInstance.Pending"/>).
    /// </summary>
    public static FlowCheckpoint Apply(FlowRun run, CompiledNode node, WorkItem item, ActivityOutcome outcome, ImmutableArray<Bookmark> consumed)
    {
        var before = run.Instance;
        var now = run.Time.GetUtcNow();
        var sequence = before.Sequence + 1;
        var resumed = consumed.Length > 0;
        var pending = resumed ? before.Pending : before.Pending.RemoveAt(0);
        var bookmarks = resumed ? before.Bookmarks.RemoveRange(consumed) : before.Bookmarks;
        IReadOnlyList<Bookmark> added = [];
        IReadOnlyList<Bookmark> removed = consumed;
        FlowStatus? status = null;
        FlowFault? fault = null;
        JournalOutcome journaled;
        switch (outcome.Kind)
        {
            case OutcomeKind.Continue:
                var targets = node.Targets(outcome.Port!);
                if (targets.Count > 0)
                {
                    var next = pending.ToBuilder();
                    foreach (var target in targets)
                    {
                        next.Add(new WorkItem(target.Id, sequence, 1));
                    }

                    pending = next.ToImmutable();
                }

                journaled = JournalOutcome.Continued;
                break;
            case OutcomeKind.Suspend:
                added = CreateBookmarks(run, node, item, outcome.Bookmarks, sequence, now);
                bookmarks = bookmarks.AddRange(added);
                journaled = JournalOutcome.Suspended;
                break;
            case OutcomeKind.End:
                removed = [.. consumed, .. bookmarks];
                (pending, bookmarks, status, journaled) = ([], [], FlowStatus.Finished, JournalOutcome.Ended);
                break;
            default:
                pending = resumed ? before.Pending.Insert(0, item) : before.Pending;
                fault = new FlowFault(node.Id, item.Activation, item.Attempt, outcome.Error!, now);
                (status, journaled) = (FlowStatus.Faulted, JournalOutcome.Faulted);
                break;
        }

        run.Instance = before with
        {
            Status = status ?? (pending.Length > 0 ? FlowStatus.Running : bookmarks.Length > 0 ? FlowStatus.Suspended : FlowStatus.Finished),
            Pending = pending,
            Bookmarks = bookmarks,
            Variables = run.Variables,
            Fault = fault,
            Sequence = sequence,
            UpdatedAt = now,
        };
        var entry = new JournalEntry(before.Id, sequence, now, node.Id, node.Descriptor.Type, item.Activation, item.Attempt, resumed,
            journaled, outcome.Port, run.Context.TakeResolved(), outcome.Error);
        return new FlowCheckpoint(run.Instance, entry, added, removed);
    }

    private static Bookmark[] CreateBookmarks(
        FlowRun run, CompiledNode node, WorkItem item, IReadOnlyList<BookmarkRequest> requests, long sequence, DateTimeOffset now)
    {
        var instance = run.Instance;
        var group = $"{instance.Id}:{sequence}";
        var created = new Bookmark[requests.Count];
        for (var i = 0; i < created.Length; i++)
        {
            var request = requests[i];
            created[i] = new Bookmark($"{group}:{i}", group, instance.Id, instance.FlowId, node.Id, item.Activation, item.Attempt,
                request.Kind, request.Port, request.DueAt, request.EventName, request.CorrelationKey, now);
            if (request.Kind == BookmarkKind.Timer)
            {
                (run.NewTimers ??= []).Add(created[i]);
            }
        }

        return created;
    }

    private async ValueTask ScheduleTimersAsync(FlowRun run)
    {
        if (run.NewTimers is not { } created)
        {
            return;
        }

        run.NewTimers = null;
        foreach (var timer in created)
        {
            if (run.Instance.Bookmarks.Contains(timer))
            {
                await timers.ScheduleAsync(timer, run.CancellationToken);
            }
        }
    }
}
