using System.Collections.Immutable;
using System.Text.Json;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>
/// Starts, resumes, retries and cancels flow instances. Each call works on one instance under its lock, runs as far
/// as it can (until the instance waits, ends or faults) and returns once that state is durable.
/// </summary>
public sealed class FlowRunner
{
    private readonly CompiledFlowCache flows;
    private readonly IFlowStore store;
    private readonly IFlowInstanceLocks locks;
    private readonly TimeProvider time;
    private readonly FlowStepper stepper;

    public FlowRunner(CompiledFlowCache flows, IFlowStore store, IFlowInstanceLocks locks, IFlowTimerScheduler timers, TimeProvider time)
    {
        this.flows = flows;
        this.store = store;
        this.locks = locks;
        this.time = time;
        stepper = new FlowStepper(store, timers);
    }

    /// <summary>
    /// Starts <paramref name="flowId"/> v<paramref name="version"/> from <paramref name="triggerNodeId"/> unless the
    /// event came from automation (and the flow does not opt in), the flow already started for this event id, or the
    /// flow's concurrency says no — the last two decided by the store.
    /// </summary>
    public async Task<FlowStartResult> StartAsync(
        string flowId, int version, string triggerNodeId, TriggerEvent trigger, IFlowFacts facts, CancellationToken cancellationToken = default)
    {
        using var span = FlowTracing.Start("flow start", flowId, null);
        var flow = await flows.GetAsync(flowId, version, cancellationToken);
        if (flow.Find(triggerNodeId) is not { Descriptor.IsTrigger: true })
        {
            throw new ArgumentException($"'{triggerNodeId}' is not a trigger of flow '{flowId}' v{version}.", nameof(triggerNodeId));
        }

        if (trigger.CausedByAutomation && !flow.Definition.TriggerOnAutomation)
        {
            return new FlowStartResult(StartOutcome.AutomationEvent, null, []);
        }

        var now = time.GetUtcNow();
        var instance = new FlowInstance
        {
            Id = Guids.NewVersion7(now).ToString("N"),
            FlowId = flowId,
            Version = version,
            SubjectId = trigger.SubjectId,
            TriggerNodeId = triggerNodeId,
            TriggerEventId = trigger.EventId,
            Trigger = trigger.Payload?.Clone(),
            Status = FlowStatus.Running,
            Pending = [new WorkItem(triggerNodeId, 0, 1)],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var held = await locks.AcquireAsync(instance.Id, cancellationToken);
        var decision = await store.TryStartAsync(new StartRequest(instance, flow.Definition.Concurrency), cancellationToken);
        if (decision.Verdict != StartVerdict.Start)
        {
            var outcome = decision.Verdict == StartVerdict.DuplicateEvent ? StartOutcome.DuplicateEvent : StartOutcome.AlreadyRunning;
            return new FlowStartResult(outcome, null, []);
        }

        FlowMetrics.Started(instance);
        var run = new FlowRun(flow, instance, facts, time, cancellationToken);
        await stepper.RunAsync(run);
        FlowTracing.Finish(span, run.Instance);
        return new FlowStartResult(StartOutcome.Started, run.Instance, decision.CancelledInstanceIds);
    }

    /// <summary>
    /// Resumes the node waiting on <paramref name="bookmarkId"/> with <paramref name="payload"/> (e.g. the reply), at
    /// most once: the store's conditional consume lets one caller win; a second resume, or one of the other bookmarks
    /// of the same group (the timeout of a reply that came), changes nothing. A timer resumed early changes nothing.
    /// </summary>
    /// <param name="read">
    /// The instance as the caller has just read it (a timer job reads its whole claim at once), used instead of reading
    /// it again; should it be out of date, the consume refuses it and the resume is decided on the stored instance.
    /// </param>
    public async Task<FlowResumeResult> ResumeAsync(
        string instanceId, string bookmarkId, JsonElement? payload, IFlowFacts facts, CancellationToken cancellationToken = default,
        FlowInstance? read = null)
    {
        using var span = FlowTracing.Start("flow resume", null, instanceId);
        await using var held = await locks.AcquireAsync(instanceId, cancellationToken);
        if (read is not null && read.Id == instanceId
            && await ResumeHeldAsync(read, bookmarkId, payload, facts, cancellationToken) is { Outcome: not ResumeOutcome.AlreadyConsumed } early)
        {
            FlowTracing.Finish(span, early.Instance);
            return early;
        }

        var instance = await store.FindInstanceAsync(instanceId, cancellationToken);
        var result = instance is null
            ? new FlowResumeResult(ResumeOutcome.NotFound, null)
            : await ResumeHeldAsync(instance, bookmarkId, payload, facts, cancellationToken);
        FlowTracing.Finish(span, result.Instance);
        return result;
    }

    private async Task<FlowResumeResult> ResumeHeldAsync(
        FlowInstance instance, string bookmarkId, JsonElement? payload, IFlowFacts facts, CancellationToken cancellationToken)
    {
        var bookmark = instance.IsActive ? FindBookmark(instance, bookmarkId) : null;
        if (bookmark is null)
        {
            return new FlowResumeResult(ResumeOutcome.AlreadyConsumed, instance);
        }

        if (bookmark.Kind == BookmarkKind.Timer && bookmark.DueAt > time.GetUtcNow())
        {
            return new FlowResumeResult(ResumeOutcome.NotDue, instance);
        }

        var flow = await flows.GetAsync(instance.FlowId, instance.Version, cancellationToken);
        var node = flow.Find(bookmark.NodeId)
                   ?? throw new InvalidOperationException($"Flow '{flow.Id}' v{flow.Version} has no node '{bookmark.NodeId}'.");
        var run = new FlowRun(flow, instance, facts, time, cancellationToken);
        var item = new WorkItem(bookmark.NodeId, bookmark.Activation, bookmark.Attempt);
        var outcome = await FlowStepper.InvokeAsync(run, node, item, bookmark, payload?.Clone());
        var group = SameGroup(instance, bookmark);
        var checkpoint = FlowStepper.Apply(run, node, item, outcome, group);
        if (!await store.TryConsumeAsync(bookmark, checkpoint, cancellationToken))
        {
            return new FlowResumeResult(ResumeOutcome.AlreadyConsumed, await store.FindInstanceAsync(instance.Id, cancellationToken));
        }

        FlowMetrics.Committed(checkpoint);
        await stepper.RunAsync(run);
        return new FlowResumeResult(ResumeOutcome.Resumed, run.Instance);
    }

    /// <summary>Resumes every instance waiting for <paramref name="eventName"/> about <paramref name="correlationKey"/>.</summary>
    public async Task<IReadOnlyList<FlowResumeResult>> ResumeEventAsync(
        string eventName, string correlationKey, JsonElement? payload, IFlowFacts facts, CancellationToken cancellationToken = default)
    {
        var waiting = await store.FindEventBookmarksAsync(eventName, correlationKey, cancellationToken);
        var results = new List<FlowResumeResult>(waiting.Count);
        foreach (var bookmark in waiting)
        {
            results.Add(await ResumeAsync(bookmark.InstanceId, bookmark.Id, payload, facts, cancellationToken));
        }

        return results;
    }

    /// <summary>
    /// Re-runs a faulted instance's failed step with attempt + 1 (so a new idempotency key), then carries on. Timers of
    /// other branches are scheduled again: one that fired while the instance was faulted resumed nothing.
    /// </summary>
    public async Task<FlowInstance?> RetryAsync(string instanceId, IFlowFacts facts, CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(instanceId, cancellationToken);
        var instance = await store.FindInstanceAsync(instanceId, cancellationToken);
        if (instance is not { Status: FlowStatus.Faulted, Pending.Length: > 0 })
        {
            return instance;
        }

        var failed = instance.Pending[0];
        instance = instance with
        {
            Status = FlowStatus.Running,
            Fault = null,
            Pending = instance.Pending.SetItem(0, failed with { Attempt = failed.Attempt + 1 }),
        };
        return await RunAsync(instance, facts, cancellationToken, rescheduleTimers: true);
    }

    /// <summary>
    /// Carries on with pending work of a running instance, e.g. after a crash left it mid-run (the platform sweeps
    /// instances running but not updated for a while). Steps re-run with the same idempotency keys.
    /// </summary>
    public async Task<FlowInstance?> ContinueAsync(string instanceId, IFlowFacts facts, CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(instanceId, cancellationToken);
        var instance = await store.FindInstanceAsync(instanceId, cancellationToken);
        return instance is { Status: FlowStatus.Running } ? await RunAsync(instance, facts, cancellationToken) : instance;
    }

    /// <summary>Stops an active or faulted instance: no pending work, no bookmarks, status cancelled.</summary>
    public async Task<FlowInstance?> CancelAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(instanceId, cancellationToken);
        var instance = await store.FindInstanceAsync(instanceId, cancellationToken);
        if (instance is null || !(instance.IsActive || instance.Status == FlowStatus.Faulted))
        {
            return instance;
        }

        var now = time.GetUtcNow();
        var cancelled = instance with
        {
            Status = FlowStatus.Cancelled,
            Pending = [],
            Bookmarks = [],
            Sequence = instance.Sequence + 1,
            UpdatedAt = now,
        };
        var entry = new JournalEntry(instance.Id, cancelled.Sequence, now, null, null, 0, 0, false, JournalOutcome.Cancelled, null,
            System.Collections.Frozen.FrozenDictionary<string, string>.Empty, reason);
        var checkpoint = new FlowCheckpoint(cancelled, entry, [], instance.Bookmarks);
        await store.CommitAsync(checkpoint, cancellationToken);
        FlowMetrics.Committed(checkpoint);
        return cancelled;
    }

    private async Task<FlowInstance> RunAsync(FlowInstance instance, IFlowFacts facts, CancellationToken cancellationToken, bool rescheduleTimers = false)
    {
        var flow = await flows.GetAsync(instance.FlowId, instance.Version, cancellationToken);
        var run = new FlowRun(flow, instance, facts, time, cancellationToken);
        if (rescheduleTimers)
        {
            run.NewTimers = [.. instance.Bookmarks.Where(b => b.Kind == BookmarkKind.Timer)];
        }

        using var span = FlowTracing.Start(rescheduleTimers ? "flow retry" : "flow continue", instance.FlowId, instance.Id);
        await stepper.RunAsync(run);
        FlowTracing.Finish(span, run.Instance);
        return run.Instance;
    }

    private static ImmutableArray<Bookmark> SameGroup(FlowInstance instance, Bookmark bookmark)
    {
        var group = ImmutableArray.CreateBuilder<Bookmark>();
        foreach (var candidate in instance.Bookmarks)
        {
            if (candidate.GroupId == bookmark.GroupId)
            {
                group.Add(candidate);
            }
        }

        return group.ToImmutable();
    }

    private static Bookmark? FindBookmark(FlowInstance instance, string bookmarkId)
    {
        foreach (var bookmark in instance.Bookmarks)
        {
            if (bookmark.Id == bookmarkId)
            {
                return bookmark;
            }
        }

        return null;
    }
}
