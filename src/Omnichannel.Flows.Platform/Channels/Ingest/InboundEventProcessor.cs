using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
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
/// savepoint. Runs of customer messages are recorded in several lanes side by side (<see cref="WebhookOptions.ProcessingLanes"/>),
/// each customer's in one lane, in order. Handling is idempotent (unique indexes), so a retry after a crash changes nothing twice.
/// </summary>
public sealed class InboundEventProcessor(
    IServiceProvider services,
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

    /// <summary>
    /// The lanes customer messages are recorded in side by side (<see cref="WebhookOptions.ProcessingLanes"/>): lane 0 runs
    /// on the pass's own thread and takes every other delivery too; each other lane gets a thread of its own while it works.
    /// </summary>
    private readonly Lane[] lanes = CreateLanes(slices, services, options.Value.ProcessingLanes);

    /// <summary>
    /// A run of customer messages shorter than this is recorded in lane 0 alone: split, its slices would be too small to
    /// be worth a thread and a commit each.
    /// </summary>
    internal const int LeastRunForLanes = 16;

    private static Lane[] CreateLanes(CustomerMessageSlices first, IServiceProvider services, int count) =>
        [new Lane(first), .. Enumerable.Range(1, count - 1).Select(_ => new Lane(ActivatorUtilities.CreateInstance<CustomerMessageSlices>(services)))];

    /// <summary>The time budget of <paramref name="lane"/>'s slice running now: the short one while webhook commits wait at the gate or arrive.</summary>
    private TimeSpan Budget(Lane lane) => gate.WebhookWaiting || lane.WebhooksArriving ? SliceBudget : QuietSliceBudget;

    private static int NextTogetherSize(int taken, int processed) =>
        processed == taken ? Math.Min(taken * 2, MaxTogether) : Math.Clamp(processed + processed / 4 + 1, 4, MaxTogether);

    /// <returns>How many deliveries were claimed (0 when there is nothing to do).</returns>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        List<ParseOutcome> claimed = [.. (await ClaimAsync(cancellationToken)).Select(Parse)];
        var next = 0;
        while (next < claimed.Count)
        {
            var end = next;
            while (end < claimed.Count && AsCustomerMessages(claimed[end]) is not null)
            {
                end++;
            }

            if (lanes.Length > 1 && end - next >= LeastRunForLanes)
            {
                await ProcessInLanesAsync(claimed[next..end], cancellationToken);
                next = end;
                continue;
            }

            // Up to the next run long enough for the lanes, in order in lane 0: a short run of customer messages, or
            // deliveries that carry anything else.
            var until = RunForLanesFrom(claimed, end > next ? end : next + 1);
            await ProcessInOrderAsync(claimed[next..until], lanes[0], cancellationToken);
            next = until;
        }

        return claimed.Count;
    }

    /// <summary>Where the first run of customer messages long enough for the lanes starts from <paramref name="start"/> on (or the end).</summary>
    private int RunForLanesFrom(List<ParseOutcome> claimed, int start)
    {
        var length = 0;
        for (var index = start; lanes.Length > 1 && index < claimed.Count; index++)
        {
            length = AsCustomerMessages(claimed[index]) is null ? 0 : length + 1;
            if (length == LeastRunForLanes)
            {
                return index + 1 - length;
            }
        }

        return claimed.Count;
    }

    /// <summary>
    /// Records a run of customer messages in the lanes side by side, each customer's messages in one lane in the order
    /// they came (<see cref="LaneOf"/>); the run is done when every lane is. What one lane read and another changed
    /// meanwhile (a profile two lanes' customers share) is caught as it is between app instances — the plain path's
    /// conditional updates, the tracked path's check in its write turn — and recorded again.
    /// </summary>
    private async Task ProcessInLanesAsync(List<ParseOutcome> run, CancellationToken cancellationToken)
    {
        var shares = lanes.Select(_ => new List<ParseOutcome>()).ToArray();
        foreach (var delivery in run)
        {
            shares[LaneOf(delivery.Delivery.Channel, ((InboundMessage)delivery.Items[0]).Customer, lanes.Length)].Add(delivery);
        }

        var working = new List<Task>(lanes.Length);
        for (var index = 1; index < lanes.Length; index++)
        {
            var (share, lane) = (shares[index], lanes[index]);
            if (share.Count > 0)
            {
                working.Add(DedicatedWriterThread.RunAsync($"Webhook processor lane {index}", () => ProcessInOrderAsync(share, lane, cancellationToken)));
            }
        }

        working.Add(ProcessInOrderAsync(shares[0], lanes[0], cancellationToken));
        await Task.WhenAll(working);
    }

    /// <summary>
    /// The lane of a delivery of customer messages, by who wrote its first message: on WhatsApp and SMS, where the sender
    /// is their phone number, its digits (so one person's WhatsApp and SMS share a lane, and the second finds the profile
    /// the first made rather than making another); elsewhere their id on the channel, which every message of theirs
    /// carries (a phone one of them shares, as on Telegram, does not move it to another lane).
    /// </summary>
    internal static int LaneOf(ChannelKind channel, CustomerIdentity customer, int count)
    {
        var key = channel is ChannelKind.WhatsApp or ChannelKind.Sms && customer.ProvenPhone is { } phone
            ? string.Concat(phone.Where(char.IsAsciiDigit))
            : $"{channel}:{customer.ExternalId}";
        return (int)(StableHash(key) % (uint)count);
    }

    /// <summary>FNV-1a over the key's characters: the same lane for the same customer from run to run (string hashes change with every process).</summary>
    private static uint StableHash(string key)
    {
        var hash = 2166136261u;
        foreach (var character in key)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return hash;
    }

    /// <summary>
    /// Processes <paramref name="deliveries"/> in order in <paramref name="lane"/>: runs of customer messages recorded
    /// together (<see cref="CustomerMessageSlices"/>); anything else, and what recording together failed on, one by one.
    /// </summary>
    private async Task ProcessInOrderAsync(List<ParseOutcome> deliveries, Lane lane, CancellationToken cancellationToken)
    {
        var next = 0;
        // After recording deliveries together failed, they are processed one by one, which isolates the one that fails.
        var oneByOneUntil = 0;
        while (next < deliveries.Count)
        {
            var webhookTurns = gate.WebhookTurns;
            var began = Stopwatch.GetTimestamp();
            var together = next >= oneByOneUntil ? TakeCustomerMessages(deliveries, next, lane.TogetherSize) : [];
            if (together.Count > 0 && await lane.Slices.ProcessAsync(together, () => Budget(lane), cancellationToken) is { } done)
            {
                next += done;
                lane.TogetherSize = NextTogetherSize(together.Count, done);
            }
            else
            {
                oneByOneUntil = Math.Max(oneByOneUntil, next + together.Count);
                next = await ProcessOneByOneAsync(deliveries, next, oneByOneUntil, lane, cancellationToken);
            }

            lane.WebhooksArriving = gate.WebhookTurns != webhookTurns;
            if (lane.WebhooksArriving)
            {
                // Webhooks are arriving: answering them comes first. Giving way for as long as the slice took leaves
                // processing at most half the time while they arrive (real time: this paces CPU, it is not a business clock).
                await Task.Delay(Stopwatch.GetElapsedTime(began), cancellationToken);
            }
        }
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
    private static List<CustomerMessageDelivery> TakeCustomerMessages(List<ParseOutcome> claimed, int start, int most)
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
    private async Task<int> ProcessOneByOneAsync(List<ParseOutcome> claimed, int start, int oneByOneUntil, Lane lane, CancellationToken cancellationToken)
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
            while (next < claimed.Count && time.GetElapsedTime(began) < Budget(lane));

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
    /// One lane of <see cref="ProcessInLanesAsync"/>: its own slices (which carry what saving took from slice to slice),
    /// how many deliveries its next slice takes, and whether webhooks arrived during its last slice.
    /// </summary>
    private sealed class Lane(CustomerMessageSlices slices)
    {
        public CustomerMessageSlices Slices => slices;

        /// <summary>How many deliveries the next slice recording them together takes (<see cref="NextTogetherSize"/>).</summary>
        public int TogetherSize { get; set; } = FirstTogether;

        /// <summary>
        /// Whether webhook commits took turns at the gate during the last slice. A slice recorded before its write turn is
        /// sized then, when no webhook waits yet, and cannot end its save early once one does: while webhooks arrive, it
        /// is sized for the short budget.
        /// </summary>
        public bool WebhooksArriving { get; set; }
    }
}
