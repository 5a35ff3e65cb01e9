using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Dispatch;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>What a retry or cancel of one run did.</summary>
public enum FlowRunActionOutcome { Done, NotFound, NotFaulted, AlreadyOver }

/// <summary>
/// One run retried or cancelled by hand (the API, the flows page): a retry re-runs a faulted run's failed step with the
/// next attempt; a cancel ends a running, waiting or faulted run.
/// </summary>
public sealed class FlowRunActions(IFlowStore store, FlowRuns runs)
{
    /// <returns>The run's status before, with what was done.</returns>
    public async Task<(FlowRunActionOutcome Outcome, FlowStatus? Status)> RetryAsync(string runId, CancellationToken cancellationToken)
    {
        var instance = await store.FindInstanceAsync(runId, cancellationToken);
        if (instance is null)
        {
            return (FlowRunActionOutcome.NotFound, null);
        }

        if (instance.Status != FlowStatus.Faulted)
        {
            return (FlowRunActionOutcome.NotFaulted, instance.Status);
        }

        await runs.RetryAsync(instance, cancellationToken);
        return (FlowRunActionOutcome.Done, instance.Status);
    }

    /// <inheritdoc cref="RetryAsync"/>
    public async Task<(FlowRunActionOutcome Outcome, FlowStatus? Status)> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        var instance = await store.FindInstanceAsync(runId, cancellationToken);
        if (instance is null)
        {
            return (FlowRunActionOutcome.NotFound, null);
        }

        if (!instance.IsActive && instance.Status != FlowStatus.Faulted)
        {
            return (FlowRunActionOutcome.AlreadyOver, instance.Status);
        }

        await runs.CancelAsync(runId, FlowRunReasons.Cancelled, cancellationToken);
        return (FlowRunActionOutcome.Done, instance.Status);
    }
}
