using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>A delivery that carries only what customers wrote, parsed: such deliveries are recorded together.</summary>
internal sealed record CustomerMessageDelivery(InboundEvent Delivery, List<InboundMessage> Messages);

/// <summary>
/// For <see cref="InboundEventProcessor"/>: records runs of deliveries that carry only customer messages (what a backlog
/// is made of) many to one save, reading and recording before the write turn (<see cref="ProcessAsync"/>). One per
/// processing pass, so what saving took carries from slice to slice.
/// </summary>
public sealed class CustomerMessageSlices(
    IDbContextFactory<FlowsDbContext> dbs,
    DatabaseWriteGate gate,
    DeferredLogSync deferredSync,
    InboundItemHandler handler,
    ReturningCustomerMessages returning,
    ConversationEvents events,
    TimeProvider time,
    ILogger<CustomerMessageSlices> logger)
{
    /// <summary>
    /// The rows every customer message writes (its message and automation events; its sender's identity and thread),
    /// written with prepared commands when a slice is saved together: hundreds per save, where EF's per-row work costs
    /// more than the statement. Nothing refers to them by foreign key (a test checks), as prepared writes require.
    /// </summary>
    internal static readonly HashSet<Type> WrittenPlainly =
        [typeof(Message), typeof(Automation.AutomationEvent), typeof(Contacts.ChannelIdentity), typeof(Conversation)];

    /// <summary>
    /// What saving and committing took per delivery in the last slice recorded together: the slice stops recording early
    /// enough to save what it recorded within its budget, as the one-by-one slices (which save as they go) do.
    /// </summary>
    private TimeSpan savePerDelivery;

    /// <summary>The same, for slices of customers writing again recorded without change tracking (<see cref="ReturningCustomerMessages"/>).</summary>
    private TimeSpan plainSavePerDelivery;

    /// <summary>
    /// Records the deliveries at the start of <paramref name="run"/> in one transaction. Customers writing again (what a
    /// backlog is made of) are recorded without change tracking (<see cref="ReturningCustomerMessages"/>); the deliveries
    /// before the first of those go the tracked way (<see cref="ProcessTrackedAsync"/>), as do the plain ones if a row they
    /// read changed before their write.
    /// </summary>
    /// <param name="budget">The slice's time budget as it stands (the processor's: shorter while webhooks arrive).</param>
    /// <returns>How many deliveries were processed, or null when they must be processed one by one.</returns>
    internal async Task<int?> ProcessAsync(List<CustomerMessageDelivery> run, Func<TimeSpan> budget, CancellationToken cancellationToken)
    {
        int tracked;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            try
            {
                await db.Database.OpenConnectionAsync(cancellationToken);
                var senders = await ReturningCustomerMessages.ReadAsync(db, run, cancellationToken);
                var plain = returning.Record(senders, run, count => plainSavePerDelivery * count < budget());
                if (plain.Processed.Count == 0)
                {
                    tracked = returning.CountNotPlain(senders, run);
                }
                else if (await SavePlainlyAsync(db, plain, cancellationToken))
                {
                    plain.Notifications.ForEach(events.Publish);
                    return plain.Processed.Count;
                }
                else
                {
                    logger.LogDebug("{Count} messages of customers writing again are recorded the tracked way: a row they read changed", plain.Processed.Count);
                    tracked = plain.Processed.Count;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The processor records the whole run one by one then, which isolates a delivery that fails.
                logger.LogWarning(exception, "Recording {Count} customer messages without change tracking failed; recording them one by one", run.Count);
                return null;
            }
        }

        return await ProcessTrackedAsync(run[..tracked], budget, cancellationToken);
    }

    /// <summary>Writes a slice recorded plainly in its write turn, and commits it if no row it read changed meanwhile.</summary>
    private async Task<bool> SavePlainlyAsync(FlowsDbContext db, ReturningCustomerMessages.Slice plain, CancellationToken cancellationToken)
    {
        await using var deferred = await deferredSync.BeginAsync(db, cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        var saving = time.GetTimestamp();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReturningCustomerMessages.WriteAsync(db, plain, cancellationToken))
        {
            // Disposing the transaction rolls it back.
            return false;
        }

        await InboundEventProcessor.MarkProcessedAsync(db, plain.Processed, time.GetUtcNow().UtcDateTime, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        plainSavePerDelivery = time.GetElapsedTime(saving) / plain.Processed.Count;
        return true;
    }

    /// <summary>
    /// Records customer messages the tracked way, in one transaction with one save: the senders' profiles and conversations and the
    /// stored message ids are loaded for all of them first (<see cref="InboundLookahead"/>). Reading and recording happen
    /// before the slice takes its turn at the write gate, so other writers (the flow store, webhook commits) use the gate
    /// meanwhile; in its turn, the slice checks that the profiles, identities and conversations it read are unchanged
    /// (<see cref="TrackedRows"/>) and saves, or, if another writer changed one since (or a message's recording saves at
    /// once, <see cref="RecordBeforeTurnAsync"/>), reads and records again inside the turn, where nothing can change.
    /// How many deliveries a slice takes follows from how long saving took per delivery (<see cref="savePerDelivery"/>),
    /// so the turn lasts about the slice's time budget. If anything fails, nothing of it is kept and the caller processes
    /// the same deliveries one by one, where a failing delivery is isolated and recorded.
    /// </summary>
    /// <returns>How many deliveries were processed, or null when they must be processed one by one.</returns>
    private async Task<int?> ProcessTrackedAsync(List<CustomerMessageDelivery> run, Func<TimeSpan> budget, CancellationToken cancellationToken)
    {
        SliceRecord recorded;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            db.Database.AutoSavepointsEnabled = false;
            // Hundreds of entities are tracked until the one save: looking up what an earlier message added (DbSet.Local)
            // must not compare them all each time. Changes are detected once, before the save.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                // One open for the slice's reads and its save, which is redoable work (the deliveries are durable).
                await db.Database.OpenConnectionAsync(cancellationToken);
                await using var deferred = await deferredSync.BeginAsync(db, cancellationToken);
                var beforeTurn = await RecordBeforeTurnAsync(db, run, budget, cancellationToken);
                using var turn = await gate.EnterAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                if (beforeTurn is null || !await ReadRowsUnchangedAsync(db, cancellationToken))
                {
                    logger.LogDebug("{Count} customer messages are recorded again in the write turn: what they read changed, or one saves as it is recorded", run.Count);
                    db.ChangeTracker.Clear();
                    beforeTurn = null;
                }

                recorded = beforeTurn ?? await RecordTogetherAsync(db, run, budget, inTurnSince: time.GetTimestamp(), cancellationToken);
                var saving = time.GetTimestamp();
                if (beforeTurn is null)
                {
                    db.ChangeTracker.DetectChanges();
                }

                await PreparedCommands.SaveChangesAsync(db, WrittenPlainly, cancellationToken);
                await InboundEventProcessor.MarkProcessedAsync(db, recorded.Processed, time.GetUtcNow().UtcDateTime, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                savePerDelivery = time.GetElapsedTime(saving) / recorded.Processed.Count;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Disposing the transaction rolls it back.
                logger.LogWarning(exception, "Recording {Count} customer messages together failed; recording them one by one", run.Count);
                return null;
            }
        }

        recorded.Notifications.ForEach(events.Publish);
        return recorded.Processed.Count;
    }

    /// <summary>
    /// Records the slice before the write turn, where nothing may be saved: a message whose recording saves at once (a
    /// consent keyword, which the next message's consent check must find) gives up, and the slice is recorded in the
    /// turn instead (null).
    /// </summary>
    private async Task<SliceRecord?> RecordBeforeTurnAsync(FlowsDbContext db, List<CustomerMessageDelivery> run, Func<TimeSpan> budget, CancellationToken cancellationToken)
    {
        db.SavingChanges += RefuseToSave;
        try
        {
            var recorded = await RecordTogetherAsync(db, run, budget, inTurnSince: null, cancellationToken);
            // Nothing changes the slice's entities between here and its save: their changes are found outside the turn.
            db.ChangeTracker.DetectChanges();
            return recorded;
        }
        catch (SavedBeforeTurnException)
        {
            return null;
        }
        finally
        {
            db.SavingChanges -= RefuseToSave;
        }

        static void RefuseToSave(object? sender, SavingChangesEventArgs e) => throw new SavedBeforeTurnException();
    }

    /// <summary>
    /// Records deliveries of <paramref name="run"/> in <paramref name="db"/> without saving, until saving what it recorded
    /// would take the slice's time budget — counted from <paramref name="inTurnSince"/> when the write turn is already
    /// held while it records.
    /// </summary>
    private async Task<SliceRecord> RecordTogetherAsync(
        FlowsDbContext db, List<CustomerMessageDelivery> run, Func<TimeSpan> budget, long? inTurnSince, CancellationToken cancellationToken)
    {
        var recorded = new SliceRecord([], []);
        var lookahead = await InboundLookahead.LoadAsync(
            db, run.SelectMany(d => d.Messages.Select(m => (d.Delivery.Channel, m))), cancellationToken);
        foreach (var (delivery, messages) in run)
        {
            using var activity = InboundEventProcessor.StartActivity(delivery);
            foreach (var message in messages)
            {
                await handler.HandleAsync(db, delivery, message, lookahead, recorded.Notifications, cancellationToken);
            }

            recorded.Processed.Add(delivery.Id);
            var held = inTurnSince is { } since ? time.GetElapsedTime(since) : TimeSpan.Zero;
            if (held + savePerDelivery * recorded.Processed.Count >= budget())
            {
                break;
            }
        }

        return recorded;
    }

    /// <summary>
    /// Whether the profiles, identities and conversations a slice read before its write turn are still as read. Its
    /// reads are not one snapshot: a profile merged away between the read of an identity and the read of its profile
    /// counts as changed too.
    /// </summary>
    private static async Task<bool> ReadRowsUnchangedAsync(FlowsDbContext db, CancellationToken cancellationToken) =>
        db.ChangeTracker.Entries<Contacts.Contact>().All(e => e.Entity.MergedIntoId is null)
        && await db.UnchangedSinceReadAsync<Contacts.Contact>(cancellationToken)
        && await db.UnchangedSinceReadAsync<Contacts.ChannelIdentity>(cancellationToken)
        && await db.UnchangedSinceReadAsync<Conversation>(cancellationToken);

    /// <summary>What recording a slice together did: the deliveries it got through and the events to publish once saved.</summary>
    private sealed record SliceRecord(List<Guid> Processed, List<ConversationEvent> Notifications);

    /// <summary>Recording before the write turn tried to save (<see cref="RecordBeforeTurnAsync"/>).</summary>
    private sealed class SavedBeforeTurnException : Exception;
}
