using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Timers;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Automation.Dispatch;

/// <summary>
/// Hands pending <see cref="AutomationEvent"/>s to flows. A batch is claimed with a lease (a conditional update) so
/// app instances never dispatch the same event at once. Per event: a customer message first resumes the runs waiting
/// for the contact's reply and (re-)arms the contact's idle and service-window triggers; then every live trigger whose
/// filter matches starts its flow (the engine skips automation-caused events unless the flow opts in, dedupes by event
/// id and applies concurrency). Events of one contact go in order; different contacts in parallel, so their steps meet
/// in the store's group commits. Dispatching again after a crash changes nothing twice.
/// </summary>
public sealed class AutomationEventDispatcher(
    IDbContextFactory<FlowsDbContext> dbs,
    IServiceScopeFactory scopes,
    TriggerIndex triggers,
    IFlowStore store,
    DatabaseWriteGate gate,
    DeferredLogSync deferredSync,
    TimeProvider time,
    IOptions<AutomationOptions> options,
    ILogger<AutomationEventDispatcher> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Claims and dispatches batches while batches come full. A full batch's successor is claimed while it is dispatched,
    /// and a batch is marked dispatched while the next one is, so runs do not wait for those turns at the write gate;
    /// batches are still dispatched one after the other (a contact's events stay in order). A batch that waited past half
    /// its lease has the lease renewed before it is dispatched (<see cref="StillHeldAsync"/>).
    /// </summary>
    /// <param name="batchDone">Called after each batch is dispatched and marked.</param>
    /// <returns>How many events were claimed (0 when there was nothing to do).</returns>
    public async Task<int> DispatchPendingAsync(Action batchDone, CancellationToken cancellationToken)
    {
        var total = 0;
        var claiming = ClaimAsync(cancellationToken);
        Task? marking = null;
        try
        {
            while (await claiming is { Events.Count: > 0 } claim)
            {
                total += claim.Events.Count;
                claiming = claim.Events.Count < options.Value.EventBatchSize ? Task.FromResult(NothingClaimed) : ClaimAsync(cancellationToken);
                var done = await DispatchClaimedAsync(await StillHeldAsync(claim, cancellationToken), cancellationToken);
                await MarkedAsync(marking, batchDone);
                marking = MarkDispatchedAsync(claim.Token, done, cancellationToken);
            }
        }
        finally
        {
            await MarkedAsync(marking, batchDone);
            // Claimed but not dispatched (the app is stopping, or a batch failed): the lease runs out and they are claimed again.
            await claiming.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return total;

        static async Task MarkedAsync(Task? marking, Action batchDone)
        {
            if (marking is not null)
            {
                await marking;
                batchDone();
            }
        }
    }

    /// <summary>A claimed batch: the token its rows are locked with, when it was claimed, and the events, in order.</summary>
    private sealed record Claim(Guid Token, DateTime ClaimedAt, List<AutomationEvent> Events);

    private static readonly Claim NothingClaimed = new(Guid.Empty, DateTime.MinValue, []);

    /// <summary>
    /// The events of <paramref name="claim"/> this instance still holds. A batch claimed while the one before it was
    /// dispatched may have waited: once past half its lease, the lease is renewed first, and events whose lease ran out
    /// and another instance claimed meanwhile are left to that instance, which dispatches them.
    /// </summary>
    private async Task<List<AutomationEvent>> StillHeldAsync(Claim claim, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - claim.ClaimedAt < Lease / 2)
        {
            return claim.Events;
        }

        List<Guid> claimed = [.. claim.Events.Select(e => e.Id)];
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using (await gate.EnterAsync(db, cancellationToken))
        {
            await HeldWith(db, claim.Token, claimed).ExecuteUpdateAsync(set => set.SetProperty(e => e.LockedUntil, now + Lease), cancellationToken);
        }

        var held = (await HeldWith(db, claim.Token, claimed).Select(e => e.Id).ToListAsync(cancellationToken)).ToHashSet();
        if (held.Count < claim.Events.Count)
        {
            logger.LogWarning("{Count} of {Claimed} automation events waited past their lease and another instance claimed them; left to it",
                claim.Events.Count - held.Count, claim.Events.Count);
        }

        return [.. claim.Events.Where(e => held.Contains(e.Id))];
    }

    /// <returns>The ids of the events dispatched (the others' failures are recorded).</returns>
    private async Task<List<Guid>> DispatchClaimedAsync(List<AutomationEvent> claimed, CancellationToken cancellationToken)
    {
        var live = await triggers.GetAsync(cancellationToken);
        // The runs waiting for these customers' replies, read once for the batch. A wait that begins while the batch is
        // dispatched is not resumed by a message of the same batch anyway: that message was recorded before it began.
        var waiting = await store.FindEventBookmarksAsync(WaitForReplyActivity.MessageReceived,
            [.. claimed.Where(e => e.Type == AutomationEventTypes.MessageReceived && e.ContactId is not null).Select(e => e.ContactId!.Value.ToString()).Distinct()],
            cancellationToken);
        var dispatched = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(
            claimed.GroupBy(e => e.ContactId),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.DispatchParallelism, CancellationToken = cancellationToken },
            async (contactEvents, ct) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var runs = scope.ServiceProvider.GetRequiredService<FlowRuns>();
                var arming = scope.ServiceProvider.GetRequiredService<TimeTriggerArming>();
                foreach (var automationEvent in contactEvents)
                {
                    try
                    {
                        await DispatchAsync(automationEvent, live, waiting, runs, arming, ct);
                        dispatched.Add(automationEvent.Id);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        await RecordFailureAsync(automationEvent, exception, ct);
                    }
                }
            });
        return [.. dispatched];
    }

    private async Task MarkDispatchedAsync(Guid token, List<Guid> done, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // Redoable: events a power cut leaves unmarked are dispatched again, and every start dedupes on the event id.
        await using var deferred = await deferredSync.BeginAsync(db, cancellationToken);
        using var turn = await gate.EnterAsync(db, cancellationToken);
        await db.AutomationEvents.Where(e => done.Contains(e.Id) && e.LockedBy == token).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.State, AutomationEventState.Dispatched)
            .SetProperty(e => e.DispatchedAt, now)
            .SetProperty(e => e.Error, (string?)null)
            .SetProperty(e => e.LockedBy, (Guid?)null)
            .SetProperty(e => e.LockedUntil, (DateTime?)null), cancellationToken);
    }

    private async Task DispatchAsync(AutomationEvent automationEvent, TriggerSet live,
        IReadOnlyDictionary<string, IReadOnlyList<Bookmark>> waiting, FlowRuns runs, TimeTriggerArming arming, CancellationToken cancellationToken)
    {
        using var activity = FlowsTelemetry.Source.StartActivity("automation.dispatch", ActivityKind.Consumer);
        activity?.SetTag("automation_event.id", automationEvent.Id);
        activity?.SetTag("automation_event.type", automationEvent.Type);
        var payload = automationEvent.Payload is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(automationEvent.Payload);
        var subject = automationEvent.ContactId?.ToString();
        if (automationEvent is { Type: AutomationEventTypes.MessageReceived, ContactId: { } contactId })
        {
            await ResumeWaitingAsync(automationEvent, subject!, payload, waiting.GetValueOrDefault(subject!, []), live, runs, cancellationToken);
            await arming.ArmAsync(contactId, payload, live, cancellationToken);
        }

        if (TriggerTypes.ForEvent(automationEvent.Type) is not { } type)
        {
            return;
        }

        var trigger = new TriggerEvent(automationEvent.Id.ToString(), subject, payload, automationEvent.CausedByAutomation);
        foreach (var entry in live.For(type))
        {
            if (entry.Filter.Matches(payload))
            {
                await runs.StartAsync(entry, trigger, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Resumes the contact's runs waiting for a reply — those that began waiting before this message was recorded, so a
    /// flow this very message starts, and that then waits, waits for the next one.
    /// </summary>
    private static async Task ResumeWaitingAsync(AutomationEvent message, string contactId, JsonElement? payload,
        IReadOnlyList<Bookmark> waiting, TriggerSet live, FlowRuns runs, CancellationToken cancellationToken)
    {
        var recordedAt = new DateTimeOffset(message.OccurredAt, TimeSpan.Zero);
        foreach (var bookmark in waiting)
        {
            if (bookmark.CreatedAt > recordedAt)
            {
                continue;
            }

            if (!live.IsLive(bookmark.FlowId))
            {
                await runs.CancelAsync(bookmark.InstanceId, FlowRunReasons.FlowDisabled, cancellationToken);
                continue;
            }

            await runs.ResumeAsync(bookmark.InstanceId, bookmark.Id, contactId, payload, cancellationToken);
        }
    }

    /// <summary>
    /// Leases the oldest claimable events: their ids first, then the lease on exactly those (conditional: one another
    /// instance leased or settled meanwhile is left alone), then the rows read back by id — not by their new owner, which
    /// no index holds: that would look among every pending event, the whole backlog, for every batch. Past the first
    /// statement no condition names <see cref="AutomationEvent.State"/>: SQLite would walk its index, all pending events,
    /// rather than look the ids up; an event is settled when it has <see cref="AutomationEvent.DispatchedAt"/>
    /// (dispatched or failed for good).
    /// </summary>
    private async Task<Claim> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = Guids.NewRandom();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        List<Guid> oldest;
        int count;
        // A claim is a lease: one a power cut rolls back leaves the events pending, as they were, to be claimed again.
        await using (await deferredSync.BeginAsync(db, cancellationToken))
        using (await gate.EnterAsync(db, cancellationToken))
        {
            oldest = await db.AutomationEvents
                .Where(e => e.State == AutomationEventState.Pending && (e.LockedUntil == null || e.LockedUntil < now))
                .OrderBy(e => e.OccurredAt)
                .Take(options.Value.EventBatchSize)
                .Select(e => e.Id)
                .ToListAsync(cancellationToken);
            count = oldest.Count == 0
                ? 0
                : await db.AutomationEvents.Where(e => oldest.Contains(e.Id) && e.DispatchedAt == null && (e.LockedUntil == null || e.LockedUntil < now))
                    .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.LockedBy, token)
                    .SetProperty(e => e.LockedUntil, now + Lease), cancellationToken);
        }

        return new Claim(token, now, count == 0
            ? []
            : await HeldWith(db, token, oldest).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToListAsync(cancellationToken));
    }

    /// <summary>
    /// Those of <paramref name="ids"/> a claim made with <paramref name="token"/> still holds (read untracked): pending, as
    /// marking an event dispatched or failed clears its owner.
    /// </summary>
    private static IQueryable<AutomationEvent> HeldWith(FlowsDbContext db, Guid token, List<Guid> ids) =>
        db.AutomationEvents.AsNoTracking().Where(e => ids.Contains(e.Id) && e.LockedBy == token);

    /// <summary>Backs off (the lease becomes the retry time, with no owner) or, after the last attempt, keeps it as failed.</summary>
    private async Task RecordFailureAsync(AutomationEvent automationEvent, Exception exception, CancellationToken cancellationToken)
    {
        var attempts = automationEvent.Attempts + 1;
        var giveUp = attempts >= options.Value.EventMaxAttempts;
        logger.LogError(exception, "Dispatching {EventType} event {EventId} failed (attempt {Attempt}{GiveUp})",
            automationEvent.Type, automationEvent.Id, attempts, giveUp ? ", giving up" : "");
        var now = time.GetUtcNow().UtcDateTime;
        var retryAt = now + TimeSpan.FromSeconds(Math.Pow(4, attempts));
        var error = Store.FlowSnapshots.Truncate(exception.Message);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.AutomationEvents.Where(e => e.Id == automationEvent.Id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Attempts, attempts)
            .SetProperty(e => e.Error, error)
            .SetProperty(e => e.LockedBy, (Guid?)null)
            .SetProperty(e => e.LockedUntil, retryAt)
            .SetProperty(e => e.DispatchedAt, giveUp ? now : null)
            .SetProperty(e => e.State, giveUp ? AutomationEventState.Failed : AutomationEventState.Pending), cancellationToken);
    }
}

/// <summary>Why the platform cancelled a run (shown in its journal).</summary>
public static class FlowRunReasons
{
    public const string FlowDisabled = "The flow was disabled.";
    public const string Cancelled = "Cancelled through the API.";
}
