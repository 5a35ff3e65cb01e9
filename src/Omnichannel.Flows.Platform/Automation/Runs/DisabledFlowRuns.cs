using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>
/// Cancels a disabled flow's active runs in a Hangfire job, so disabling answers at once however many runs wait (a
/// reminder flow may have a hundred thousand, about 20 s of cancelling): <see cref="Parallelism"/> at a time, so their
/// cancellations meet in the store's group commits. A run the job has not reached yet cannot act meanwhile: its due
/// wait, a reply to it and crash recovery each cancel a disabled flow's run instead of resuming it. The job stops if the
/// flow is published again meanwhile; the runs it had not reached then carry on, each on its version.
/// </summary>
public sealed class DisabledFlowRuns(
    IDbContextFactory<FlowsDbContext> dbs, FlowRuns runs, IBackgroundJobClient jobs, ILogger<DisabledFlowRuns> logger)
{
    /// <summary>Runs cancelled at the same time.</summary>
    public const int Parallelism = 32;

    private const int PageSize = 1000;

    /// <summary>The runs of <paramref name="flowId"/> that are running or waiting.</summary>
    internal static IQueryable<string> Active(FlowsDbContext db, string flowId) =>
        FlowRunQueries.Active(db).Where(i => i.FlowId == flowId).Select(i => i.Id);

    internal void Enqueue(string flowId) => jobs.Enqueue<DisabledFlowRuns>(job => job.CancelAsync(flowId, CancellationToken.None));

    /// <summary>The job: cancels the flow's active runs a page at a time, in id order, each once, while it stays disabled.</summary>
    public async Task CancelAsync(string flowId, CancellationToken cancellationToken)
    {
        var cancelled = await RunPages.ActOnEachAsync<string>(
            async after =>
            {
                await using var db = await dbs.CreateDbContextAsync(cancellationToken);
                if (!await db.Flows.AnyAsync(f => f.Id == flowId && f.Status == FlowState.Disabled, cancellationToken))
                {
                    logger.LogInformation("Flow {FlowId} is no longer disabled; its remaining active runs carry on", flowId);
                    return [];
                }

                var active = Active(db, flowId);
                if (after is not null)
                {
                    active = active.Where(id => string.Compare(id, after) > 0);
                }

                return await active.OrderBy(id => id).Take(PageSize).ToListAsync(cancellationToken);
            },
            CancelOneAsync, Parallelism, cancellationToken);
        logger.LogInformation("Cancelled {RunCount} active runs of disabled flow {FlowId}", cancelled, flowId);
    }

    /// <returns>Whether the run was cancelled; one whose cancelling failed is logged and left to its wait's own check.</returns>
    private async Task<bool> CancelOneAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            return await runs.CancelAsync(runId, FlowRunReasons.FlowDisabled, cancellationToken) is { Status: FlowStatus.Cancelled };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Cancelling run {InstanceId} of a disabled flow failed; it is cancelled when its wait ends", runId);
            return false;
        }
    }
}
