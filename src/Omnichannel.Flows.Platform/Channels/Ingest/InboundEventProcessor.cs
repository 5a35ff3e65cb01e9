using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// Turns stored deliveries into messages and statuses. A batch is claimed with a lease (a conditional update), so
/// several instances never process the same delivery at once; deliveries are handled a slice per transaction: runs of
/// customer messages many to one save (<see cref="CustomerMessageSlices"/>), anything else one by one, each in its own
/// savepoint. Handling is idempotent (unique indexes), so a retry after a crash changes nothing twice.
/// </summary>
public sealed class InboundEventProcessor(
    IDbContextFactory<FlowsDbContext> dbs,
    DatabaseWriteGate gate,
    DeferredLogSync deferredSync,
    ChannelRegistry channels,
    InboundItemHandler handler,
    CustomerMessageSlices slices,
    ConversationEvents events,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<InboundEventProcessor> logger)
{
    private const string Savepoint = "delivery";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>How long one processing transaction may hold the write gate before a waiting webhook commit gets its turn.</summary>
    private static readonly TimeSpan SliceBudget = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How long it may go on while no webhook waits (a backlog draining): fewer, larger transactions, as each commit
    /// costs about as much as processing a delivery. A webhook arriving meanwhile waits at most until the slice's
    /// current delivery is done, once the slice is <see cref="SliceBudget"/> old.
    /// </summary>
    private static readonly TimeSpan QuietSliceBudget = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// How many deliveries a slice that records them together starts with, and at most takes: their profiles,
    /// conversations and message ids are loaded before the slice's time budget says how many it gets through, so the
    /// count follows what the last slice managed (<see cref="NextTogetherSize"/>) rather than loading for many it will
    /// not reach.
    /// </summary>
    private const int FirstTogether = 32;
    private const int MaxTogether = 256;

    /// <summary>How many deliveries the next slice recording them together takes (<see cref="NextTogetherSize"/>).</summary>
    private int togetherSize = FirstTogether;

    /// <summary>
    /// Whether webhook commits took turns at the gate during the last slice. A slice recorded before its write turn is
    /// sized then, when no webhook waits yet, and cannot end its save early once one does: while webhooks arrive, it is
    /// sized for the short budget.
    /// </summary>
    private bool webhooksArriving;

    /// <summary>The time budget of the slice running now: the short one while webhook commits wait at the gate or arrive.</summary>
    private TimeSpan Budget => gate.WebhookWaiting || webhooksArriving ? SliceBudget : QuietSliceBudget;

    private static int NextTogetherSize(int taken, int processed) =>
        processed == taken ? Math.Min(taken * 2, MaxTogether) : Math.Clamp(processed + processed / 4 + 1, 4, MaxTogether);

    /// <returns>How many deliveries were claimed (0 when there is nothing to do).</returns>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var claimed = new ClaimedDeliveries(await ClaimAsync(cancellationToken), Parse);
        var next = 0;
        // After recording deliveries together failed, they are processed one by one, which isolates the one that fails.
        var oneByOneUntil = 0;
        while (next < claimed.Count)
        {
            var webhookTurns = gate.WebhookTurns;
            var began = Stopwatch.GetTimestamp();
            var together = next >= oneByOneUntil ? TakeCustomerMessages(claimed, next, togetherSize) : [];
            if (together.Count > 0 && await slices.ProcessAsync(together, () => Budget, cancellationToken) is { } done)
            {
                next += done;
                togetherSize = NextTogetherSize(together.Count, done);
            }
            else
            {
                oneByOneUntil = Math.Max(oneByOneUntil, next + together.Count);
                next = await ProcessOneByOneAsync(claimed, next, oneByOneUntil, cancellationToken);
            }

            webhooksArriving = gate.WebhookTurns != webhookTurns;
            if (webhooksArriving)
            {
                // Webhooks are arriving: answering them comes first. Giving way for as long as the slice took leaves
                // processing at most half the time while they arrive (real time: this paces CPU, it is not a business clock).
                await Task.Delay(Stopwatch.GetElapsedTime(began), cancellationToken);
            }
        }

        return claimed.Count;
    }

    /// <summary>
    /// Leases the oldest claimable deliveries: their ids first, then the lease on exactly those (conditional: one another
    /// instance leased or settled meanwhile is left alone), then the rows read back by id. Found by their new owner
    /// instead, they would be looked for among every pending delivery (no index holds the owner): the whole backlog, for
    /// every batch. Past the first statement no condition names <see cref="InboundEvent.State"/>: SQLite would walk its
    /// index, all pending deliveries, rather than look the ids up; a delivery is settled when it has
    /// <see cref="InboundEvent.ProcessedAt"/> (processed or failed for good).
    /// </summary>
    private async Task<List<InboundEvent>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = Guids.NewRandom();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        List<Guid> oldest;
        int count;
        // A claim is a lease: one a power cut rolls back leaves the deliveries pending, as they were, to be claimed again.
        await using (await deferredSync.BeginAsync(db, cancellationToken))
        using (await gate.EnterAsync(db, cancellationToken))
        {
            oldest = await db.InboundEvents
                .Where(e => e.State == InboundEventState.Pending && (e.LockedUntil == null || e.LockedUntil < now))
                .OrderBy(e => e.ReceivedAt)
                .Take(options.Value.ProcessingBatchSize)
                .Select(e => e.Id)
                .ToListAsync(cancellationToken);
            count = oldest.Count == 0
                ? 0
                : await db.InboundEvents.Where(e => oldest.Contains(e.Id) && e.ProcessedAt == null && (e.LockedUntil == null || e.LockedUntil < now))
                    .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.LockedBy, token)
                    .SetProperty(e => e.LockedUntil, now + Lease), cancellationToken);
        }

        return count == 0 ? [] : await Claimed(db, oldest, token).ToListAsync(cancellationToken);
    }

    /// <summary>Those of <paramref name="ids"/> a claim made with <paramref name="token"/> holds, with their bodies, in order.</summary>
    internal static IQueryable<InboundEvent> Claimed(FlowsDbContext db, List<Guid> ids, Guid token) =>
        db.InboundEvents.AsNoTracking().Include(e => e.Body)
            .Where(e => ids.Contains(e.Id) && e.LockedBy == token)
            .OrderBy(e => e.ReceivedAt);

    /// <summary>
    /// The deliveries from <paramref name="start"/> on that carry only what customers wrote (the common case, and what a
    /// backlog is made of), parsed: these are recorded together. Stops at the first delivery that carries anything
    /// else (statuses, echoes, email with its threading) or does not parse.
    /// </summary>
    private static List<CustomerMessageDelivery> TakeCustomerMessages(ClaimedDeliveries claimed, int start, int most)
    {
        var run = new List<CustomerMessageDelivery>();
        for (var index = start; index < claimed.Count && run.Count < most; index++)
        {
            if (AsCustomerMessages(claimed[index]) is not { } parsed)
            {
                break;
            }

            run.Add(parsed);
        }

        return run;
    }

    private ParseOutcome Parse(InboundEvent delivery)
    {
        try
        {
            return new ParseOutcome(delivery, channels.Inbound(delivery.Channel).Parse(delivery), null);
        }
        catch (InboundPayloadException exception)
        {
            return new ParseOutcome(delivery, [], exception);
        }
    }

    private static CustomerMessageDelivery? AsCustomerMessages(ParseOutcome outcome) =>
        outcome.Error is null && outcome.Delivery.Channel != ChannelKind.Email && outcome.Items.Count > 0
        && outcome.Items.All(item => item is InboundMessage { Direction: MessageDirection.Inbound, CorrelationId: null })
            ? new CustomerMessageDelivery(outcome.Delivery, [.. outcome.Items.Cast<InboundMessage>()])
            : null;

    /// <summary>
    /// Processes deliveries from <paramref name="start"/> in one transaction (one commit, one sync) until the slice's time
    /// budget is spent (the shorter one while a webhook commit waits at the gate), so webhook commits wait briefly, or
    /// until deliveries that can be recorded together come next (from <paramref name="oneByOneUntil"/> on). Each delivery
    /// runs inside a savepoint: one that fails is rolled back alone and recorded for a retry, the others commit.
    /// </summary>
    /// <returns>The index of the first delivery not processed.</returns>
    private async Task<int> ProcessOneByOneAsync(ClaimedDeliveries claimed, int start, int oneByOneUntil, CancellationToken cancellationToken)
    {
        var notifications = new List<ConversationEvent>();
        var next = start;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            // Each delivery has its own savepoint (below); EF's own around every SaveChanges would be two more statements each.
            db.Database.AutoSavepointsEnabled = false;
            using var turn = await gate.EnterAsync(db, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var began = time.GetTimestamp();
            var processed = new List<Guid>();
            do
            {
                var parsed = claimed[next];
                if (next > start && next >= oneByOneUntil && AsCustomerMessages(parsed) is not null)
                {
                    break;
                }

                if (await ProcessAsync(db, transaction, parsed, notifications, cancellationToken))
                {
                    processed.Add(parsed.Delivery.Id);
                }

                db.ChangeTracker.Clear();
                next++;
            }
            while (next < claimed.Count && time.GetElapsedTime(began) < Budget);

            await MarkProcessedAsync(db, processed, time.GetUtcNow().UtcDateTime, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        notifications.ForEach(events.Publish);
        return next;
    }

    internal static Task<int> MarkProcessedAsync(FlowsDbContext db, List<Guid> processed, DateTime now, CancellationToken cancellationToken) =>
        db.InboundEvents.Where(e => processed.Contains(e.Id)).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.State, InboundEventState.Processed)
            .SetProperty(e => e.Error, (string?)null)
            .SetProperty(e => e.ProcessedAt, now), cancellationToken);

    internal static Activity? StartActivity(InboundEvent delivery)
    {
        var activity = FlowsTelemetry.Source.StartActivity("inbound.process", ActivityKind.Consumer, delivery.TraceParent);
        activity?.SetTag("channel", delivery.Channel.ToName());
        activity?.SetTag("inbound_event.id", delivery.Id);
        return activity;
    }

    /// <returns>True when the delivery was handled; false when it failed and was recorded as such.</returns>
    private async Task<bool> ProcessAsync(FlowsDbContext db, IDbContextTransaction transaction, ParseOutcome parsed,
        List<ConversationEvent> notifications, CancellationToken cancellationToken)
    {
        var (delivery, items, error) = parsed;
        using var activity = StartActivity(delivery);
        if (error is not null)
        {
            logger.LogWarning("{Channel} delivery {InboundEventId} does not parse at {Pointer}: {Error}",
                delivery.Channel, delivery.Id, error.Pointer, error.Message);
            await RecordFailureAsync(db, delivery.Id, delivery.Attempts, giveUp: true, $"{error.Pointer}: {error.Message}", cancellationToken);
            return false;
        }

        await transaction.CreateSavepointAsync(Savepoint, cancellationToken);
        var raised = new List<ConversationEvent>();
        try
        {
            // One lookahead per delivery: its items see what the earlier ones recorded; each item is saved as it goes.
            var lookahead = new InboundLookahead();
            foreach (var item in items)
            {
                await handler.HandleAsync(db, delivery, item, lookahead, raised, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.ReleaseSavepointAsync(Savepoint, cancellationToken);
            notifications.AddRange(raised);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await transaction.RollbackToSavepointAsync(Savepoint, cancellationToken);
            db.ChangeTracker.Clear();
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            var attempts = delivery.Attempts + 1;
            var giveUp = attempts >= options.Value.MaxAttempts;
            logger.LogError(exception, "Processing {Channel} delivery {InboundEventId} failed (attempt {Attempt}{GiveUp})",
                delivery.Channel, delivery.Id, attempts, giveUp ? ", giving up" : "");
            await RecordFailureAsync(db, delivery.Id, delivery.Attempts, giveUp, exception.Message, cancellationToken);
            return false;
        }
    }

    private Task<int> RecordFailureAsync(FlowsDbContext db, Guid id, int previousAttempts, bool giveUp, string error, CancellationToken cancellationToken)
    {
        var attempts = previousAttempts + 1;
        var retryAt = time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(Math.Pow(4, attempts));
        return db.InboundEvents.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Attempts, attempts)
            .SetProperty(e => e.Error, Truncate(error))
            .SetProperty(e => e.LockedUntil, retryAt)
            .SetProperty(e => e.ProcessedAt, giveUp ? time.GetUtcNow().UtcDateTime : null)
            .SetProperty(e => e.State, giveUp ? InboundEventState.Failed : InboundEventState.Pending), cancellationToken);
    }

    private static string? Truncate(string? text) => text is { Length: > 2000 } ? text[..2000] : text;

    private sealed record ParseOutcome(InboundEvent Delivery, IReadOnlyList<InboundItem> Items, InboundPayloadException? Error);

    /// <summary>
    /// The claimed deliveries, each parsed the first time a slice looks at it: a delivery a slice took but did not get
    /// through (its time budget ran out, or recording together failed) is looked at again by the next.
    /// </summary>
    private sealed class ClaimedDeliveries(List<InboundEvent> deliveries, Func<InboundEvent, ParseOutcome> parse)
    {
        private readonly ParseOutcome?[] parsed = new ParseOutcome?[deliveries.Count];

        public int Count => deliveries.Count;

        public ParseOutcome this[int index] => parsed[index] ??= parse(deliveries[index]);
    }
}
