using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Runs;

/// <summary>
/// Retries a flow's dead letter in one go: after an outage (a CRM down for an hour) every run that faulted on it is
/// retried by a Hangfire job, <see cref="Parallelism"/> at a time, instead of one request per run. The job retries the
/// runs faulted when it was asked for, each at most once: a run that faults again stays faulted.
/// </summary>
public sealed class FaultedRunRetries(
    IDbContextFactory<FlowsDbContext> dbs, IFlowStore store, IServiceScopeFactory scopes, IBackgroundJobClient jobs,
    TimeProvider time, ILogger<FaultedRunRetries> logger)
{
    /// <summary>Runs retried at the same time.</summary>
    public const int Parallelism = 16;

    private const int PageSize = 200;

    /// <summary>Queues the retry of the flow's faulted runs (of one contact, if given).</summary>
    /// <returns>How many runs are faulted now (none queued when 0); null when there is no such flow.</returns>
    public async Task<int?> RequestAsync(string flowId, Guid? contactId, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Flows.AnyAsync(f => f.Id == flowId, cancellationToken))
        {
            return null;
        }

        var faulted = await (await FaultedAsync(db, flowId, contactId, asked, cancellationToken)).CountAsync(cancellationToken);
        if (faulted > 0)
        {
            jobs.Enqueue<FaultedRunRetries>(retries => retries.RetryAsync(flowId, contactId, asked, CancellationToken.None));
            logger.LogInformation("Retrying the {RunCount} faulted runs of flow {FlowId}", faulted, flowId);
        }

        return faulted;
    }

    /// <summary>
    /// The job: retries the runs of <paramref name="flowId"/> that were faulted at <paramref name="faultedBy"/> and still
    /// are, oldest first, a page at a time. Pages go forward on (created, id), so a run that faults again is not met again.
    /// </summary>
    public async Task RetryAsync(string flowId, Guid? contactId, DateTime faultedBy, CancellationToken cancellationToken)
    {
        var retried = await RunPages.ActOnEachAsync<FlowRunCursor>(
            async after =>
            {
                await using var db = await dbs.CreateDbContextAsync(cancellationToken);
                return await Oldest(await FaultedAsync(db, flowId, contactId, faultedBy, cancellationToken), after).Take(PageSize)
                    .Select(i => new FlowRunCursor(i.CreatedAt, i.Id)).ToListAsync(cancellationToken);
            },
            (run, ct) => RetryOneAsync(run.Id, ct), Parallelism, cancellationToken);
        logger.LogInformation("Retried {RunCount} faulted runs of flow {FlowId}", retried, flowId);
    }

    /// <returns>
    /// Whether the run was retried: one retried or cancelled meanwhile is left as it is, and one whose retry could not be
    /// made (the database failing under it) is left faulted, logged, while the others go on.
    /// </returns>
    private async Task<bool> RetryOneAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            var instance = await store.FindInstanceAsync(runId, cancellationToken);
            if (instance is not { Status: FlowStatus.Faulted })
            {
                return false;
            }

            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FlowRuns>().RetryAsync(instance, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Retrying faulted run {InstanceId} failed; it stays faulted", runId);
            return false;
        }
    }

    /// <summary><paramref name="runs"/> oldest first, after <paramref name="after"/> (the last run of the previous page).</summary>
    internal static IQueryable<Store.FlowInstanceRecord> Oldest(IQueryable<Store.FlowInstanceRecord> runs, FlowRunCursor? after)
    {
        if (after is { CreatedAt: var at, Id: var id })
        {
            runs = runs.Where(i => i.CreatedAt > at || (i.CreatedAt == at && string.Compare(i.Id, id) > 0));
        }

        return runs.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id);
    }

    internal static async Task<IQueryable<Store.FlowInstanceRecord>> FaultedAsync(
        FlowsDbContext db, string flowId, Guid? contactId, DateTime faultedBy, CancellationToken cancellationToken) =>
        (await FlowRunQueries.MatchingAsync(db, flowId, new FlowRunFilter(FlowStatus.Faulted, contactId), cancellationToken))
        .Where(i => i.UpdatedAt <= faultedBy);
}
