using Omnichannel.Flows.Engine.Running;

namespace Omnichannel.Flows.Engine.Tests.Support;

/// <summary>
/// Loses the checkpoint that follows <see cref="CrashAfterStepOf"/>'s step and throws, as a process dying before a
/// buffered write became durable would: the store keeps the state from before that step.
/// </summary>
internal sealed class CrashingStore(InMemoryFlowStore inner) : IFlowStore
{
    public string? CrashAfterStepOf { get; set; }

    public ValueTask<StartDecision> TryStartAsync(StartRequest request, CancellationToken cancellationToken) => inner.TryStartAsync(request, cancellationToken);

    public ValueTask<FlowInstance?> FindInstanceAsync(string instanceId, CancellationToken cancellationToken) => inner.FindInstanceAsync(instanceId, cancellationToken);

    public ValueTask<IReadOnlyList<Bookmark>> FindEventBookmarksAsync(string eventName, string correlationKey, CancellationToken cancellationToken) =>
        inner.FindEventBookmarksAsync(eventName, correlationKey, cancellationToken);

    public ValueTask AppendAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        Crash(checkpoint) ? throw new IOException("crashed") : inner.AppendAsync(checkpoint, cancellationToken);

    public ValueTask CommitAsync(FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        Crash(checkpoint) ? throw new IOException("crashed") : inner.CommitAsync(checkpoint, cancellationToken);

    public ValueTask<bool> TryConsumeAsync(Bookmark bookmark, FlowCheckpoint checkpoint, CancellationToken cancellationToken) =>
        inner.TryConsumeAsync(bookmark, checkpoint, cancellationToken);

    private bool Crash(FlowCheckpoint checkpoint)
    {
        if (checkpoint.Step.NodeId is null || checkpoint.Step.NodeId != CrashAfterStepOf)
        {
            return false;
        }

        CrashAfterStepOf = null;
        return true;
    }
}
