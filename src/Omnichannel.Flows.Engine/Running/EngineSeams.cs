using Omnichannel.Flows.Engine.Definitions;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>Published definition versions, by flow id and version. Versions are immutable once published.</summary>
public interface IFlowDefinitionStore
{
    ValueTask<FlowDefinition?> FindAsync(string flowId, int version, CancellationToken cancellationToken);
}

/// <summary>
/// Wakes timers: called after the checkpoint that created a timer bookmark is durable. The platform enqueues a
/// job at <see cref="Bookmark.DueAt"/> that calls <see cref="FlowRunner.ResumeAsync"/>; a timer whose group was
/// consumed meanwhile (the reply came first) resumes nothing, so nothing needs unscheduling. The same timer may be
/// scheduled again (after a retry of its instance); resuming it twice is harmless.
/// </summary>
public interface IFlowTimerScheduler
{
    ValueTask ScheduleAsync(Bookmark timer, CancellationToken cancellationToken);
}

/// <summary>
/// Serializes work on one instance (two bookmarks of a fan-out firing at once). The engine's
/// <see cref="LocalFlowInstanceLocks"/> covers one process; several app instances need a distributed implementation
/// (a lease row, <c>sp_getapplock</c>…).
/// </summary>
public interface IFlowInstanceLocks
{
    ValueTask<IAsyncDisposable> AcquireAsync(string instanceId, CancellationToken cancellationToken);
}
