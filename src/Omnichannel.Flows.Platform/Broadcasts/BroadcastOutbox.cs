using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.ServiceWindows;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// The broadcast's moves through the outbox, a batch per transaction: claim a chunk of pending recipients and create
/// their messages (queued), mark a few of them sending just before their provider calls, and give back what a run
/// claimed but never sent. Every move is a conditional update on the run's lease token, so a recipient is sent by one
/// run at most once. Writers take turns at <see cref="DatabaseWriteGate"/> with webhook ingest (one SQLite writer).
/// </summary>
public sealed class BroadcastOutbox(IDbContextFactory<FlowsDbContext> dbs, DatabaseWriteGate gate, TimeProvider time)
{
    public const string InterruptedReason = "The send was interrupted; it may or may not have reached the provider. Reconciled from status webhooks, never resent.";

    /// <summary>
    /// After a runner died (or another instance's lease ran out): recipients it had claimed but not yet sent go back to
    /// pending; those whose provider call may have been under way become unknown, their messages too — never resent.
    /// </summary>
    public async Task<(int Released, int Interrupted)> RecoverInterruptedAsync(Guid broadcastId, Guid token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var released = await db.BroadcastRecipients
            .Where(r => r.BroadcastId == broadcastId && r.State == RecipientState.Queued && r.ClaimToken != token)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.State, RecipientState.Pending)
                .SetProperty(r => r.ClaimToken, (Guid?)null)
                .SetProperty(r => r.OutsideWindowAt, (DateTime?)null), cancellationToken);
        var interrupted = db.BroadcastRecipients
            .Where(r => r.BroadcastId == broadcastId && r.State == RecipientState.Sending && r.ClaimToken != token);
        await db.Messages.Where(m => m.BroadcastId == broadcastId && m.Status == DeliveryStatus.Sending && interrupted.Any(r => r.Id == m.Id))
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, DeliveryStatus.Unknown)
                .SetProperty(m => m.StatusAt, now)
                .SetProperty(m => m.ErrorReason, InterruptedReason), cancellationToken);
        var unknown = await interrupted.ExecuteUpdateAsync(set => set
            .SetProperty(r => r.State, RecipientState.Unknown)
            .SetProperty(r => r.ErrorReason, InterruptedReason), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (released, unknown);
    }

    /// <summary>Pending recipients whose turn it is, in order, with what is needed to decide on and send them.</summary>
    /// <param name="awakeZones">Only recipients in these time zones (quiet hours); null for all.</param>
    /// <param name="insideWindowOnly">Only those not counted by the messaging limit: other channels, or an open WhatsApp window.</param>
    public async Task<IReadOnlyList<Candidate>> CandidatesAsync(Guid broadcastId, ChannelKind channel, IReadOnlyCollection<string>? awakeZones,
        bool insideWindowOnly, int take, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var query =
            from r in db.BroadcastRecipients.AsNoTracking()
            where r.BroadcastId == broadcastId && r.State == RecipientState.Pending && r.Channel == channel
                && (r.NextAttemptAt == null || r.NextAttemptAt <= now)
            join i in db.ChannelIdentities.AsNoTracking() on r.ChannelIdentityId equals (Guid?)i.Id
            select new { r, i };
        if (awakeZones is not null)
        {
            var zones = awakeZones.ToList();
            query = query.Where(x => zones.Contains(x.r.TimeZone));
        }

        if (insideWindowOnly)
        {
            // ServiceWindowPolicy's WhatsApp rule, in SQL: written to in the last 24 h (72 h from a free entry point).
            var openSince = now - ServiceWindowPolicy.WhatsAppWindow;
            var freeEntryOpenSince = now - ServiceWindowPolicy.FreeEntryPointWindow;
            query = query.Where(x => x.r.Channel != ChannelKind.WhatsApp || x.i.LastInboundAt >= openSince
                || (x.i.LastInboundFromFreeEntryPoint && x.i.LastInboundAt >= freeEntryOpenSince));
        }

        return await query.OrderBy(x => x.r.Id).Take(take)
            .Select(x => new Candidate(x.r.Id, x.r.ContactId, channel, x.i.Id, x.i.ExternalId, x.i.DisplayName,
                x.i.LastInboundAt, x.i.LastInboundFromFreeEntryPoint, x.r.Text, x.r.Details, x.r.EmailSubject))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Claims the chosen recipients for this run (pending → queued) and creates their messages, queued, in one
    /// transaction. A recipient claimed before (its send was refused for now) keeps its message.
    /// </summary>
    /// <param name="outsideWindow">The chosen recipients messaged outside a WhatsApp window (they count towards the messaging limit).</param>
    /// <returns>The recipients claimed and the messages created.</returns>
    public async Task<(IReadOnlyList<Candidate> Claimed, IReadOnlyList<Message> Created)> ClaimAsync(
        BroadcastRun run, IReadOnlyList<Candidate> chosen, IReadOnlySet<Guid> outsideWindow, Func<Candidate, Task<CostEstimate?>> price,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var outside = chosen.Where(c => outsideWindow.Contains(c.Id)).Select(c => c.Id).ToList();
        var inside = chosen.Where(c => !outsideWindow.Contains(c.Id)).Select(c => c.Id).ToList();
        var costs = new Dictionary<Guid, CostEstimate?>();
        foreach (var candidate in chosen)
        {
            costs[candidate.Id] = await price(candidate);
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (ids, countedAt) in new[] { (outside, (DateTime?)now), (inside, null) }.Where(g => g.Item1.Count > 0))
        {
            await db.BroadcastRecipients.Where(r => ids.Contains(r.Id) && r.State == RecipientState.Pending)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(r => r.State, RecipientState.Queued)
                    .SetProperty(r => r.ClaimToken, run.Token)
                    .SetProperty(r => r.OutsideWindowAt, countedAt), cancellationToken);
        }

        var all = chosen.Select(c => c.Id).ToList();
        var claimedIds = (await db.BroadcastRecipients.Where(r => all.Contains(r.Id) && r.State == RecipientState.Queued && r.ClaimToken == run.Token)
            .Select(r => r.Id).ToListAsync(cancellationToken)).ToHashSet();
        var existing = (await db.Messages.Where(m => claimedIds.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken)).ToHashSet();
        var claimed = chosen.Where(c => claimedIds.Contains(c.Id)).ToList();
        var created = claimed.Where(c => !existing.Contains(c.Id)).Select(c => run.NewMessage(c, costs[c.Id], now)).ToList();
        db.Messages.AddRange(created);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (claimed, created);
    }

    /// <summary>Queued → sending for the recipients (and their messages) about to be sent: from here on a crash makes them unknown.</summary>
    /// <returns>Those that moved: only they may be sent.</returns>
    public async Task<IReadOnlySet<Guid>> MarkSendingAsync(Guid token, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var list = ids.ToList();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.BroadcastRecipients.Where(r => list.Contains(r.Id) && r.State == RecipientState.Queued && r.ClaimToken == token)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.State, RecipientState.Sending)
                .SetProperty(r => r.SendingAt, now)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), cancellationToken);
        var moved = await db.BroadcastRecipients.Where(r => list.Contains(r.Id) && r.State == RecipientState.Sending && r.ClaimToken == token)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        await db.Messages.Where(m => moved.Contains(m.Id) && m.Status == DeliveryStatus.Queued)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, DeliveryStatus.Sending)
                .SetProperty(m => m.StatusAt, now)
                .SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);

        // Only a message this transaction moved may be sent. One that was not queued any more is someone else's send
        // (nothing else should send broadcast messages): its recipient is left unknown rather than sent twice.
        var sendable = (await db.Messages.Where(m => moved.Contains(m.Id) && m.Status == DeliveryStatus.Sending && m.StatusAt == now)
            .Select(m => m.Id).ToListAsync(cancellationToken)).ToHashSet();
        var elsewhere = moved.Where(id => !sendable.Contains(id)).ToList();
        if (elsewhere.Count > 0)
        {
            await db.BroadcastRecipients.Where(r => elsewhere.Contains(r.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(r => r.State, RecipientState.Unknown)
                .SetProperty(r => r.ErrorReason, "Its message was not queued any more when its turn came; not sent by the broadcast."), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return sendable;
    }

    /// <summary>Gives back what this run claimed or marked but never sent (it is stopping): they go back to pending.</summary>
    public async Task ReleaseAsync(Guid token, IReadOnlyList<Guid>? markedButNotSent, CancellationToken cancellationToken)
    {
        var unsent = (markedButNotSent ?? []).ToList();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (unsent.Count > 0)
        {
            await db.Messages.Where(m => unsent.Contains(m.Id) && m.Status == DeliveryStatus.Sending)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, DeliveryStatus.Queued).SetProperty(m => m.Attempts, m => m.Attempts - 1), cancellationToken);
            await db.BroadcastRecipients.Where(r => unsent.Contains(r.Id) && r.State == RecipientState.Sending && r.ClaimToken == token)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RecipientState.Queued).SetProperty(r => r.Attempts, r => r.Attempts - 1), cancellationToken);
        }

        await db.BroadcastRecipients.Where(r => r.ClaimToken == token && r.State == RecipientState.Queued)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.State, RecipientState.Pending)
                .SetProperty(r => r.ClaimToken, (Guid?)null)
                .SetProperty(r => r.OutsideWindowAt, (DateTime?)null), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// A cancelled broadcast's recipients not sent yet are skipped as cancelled (a message kept from an earlier attempt
    /// fails). Does nothing while the broadcast is not cancelled.
    /// </summary>
    public async Task SkipCancelledAsync(Guid broadcastId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var waiting = db.BroadcastRecipients.Where(r => r.BroadcastId == broadcastId && r.State == RecipientState.Pending
            && db.Broadcasts.Any(b => b.Id == broadcastId && b.State == BroadcastState.Cancelled));
        await db.Messages.Where(m => m.BroadcastId == broadcastId && m.Status == DeliveryStatus.Queued && waiting.Any(r => r.Id == m.Id))
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, DeliveryStatus.Failed)
                .SetProperty(m => m.StatusAt, now)
                .SetProperty(m => m.ErrorCode, SkipReasons.Cancelled)
                .SetProperty(m => m.ErrorReason, "Not sent: the broadcast was cancelled."), cancellationToken);
        await waiting.ExecuteUpdateAsync(set => set
            .SetProperty(r => r.State, RecipientState.Skipped)
            .SetProperty(r => r.SkipReason, SkipReasons.Cancelled), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Consent said no just before the send: the recipients are skipped (a message kept from an earlier attempt fails).</summary>
    public async Task SkipAsync(IReadOnlyList<Guid> ids, string reason, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.BroadcastRecipients.Where(r => list.Contains(r.Id) && r.State == RecipientState.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RecipientState.Skipped).SetProperty(r => r.SkipReason, reason), cancellationToken);
        await db.Messages.Where(m => list.Contains(m.Id) && m.Status == DeliveryStatus.Queued)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, DeliveryStatus.Failed)
                .SetProperty(m => m.StatusAt, now)
                .SetProperty(m => m.ErrorCode, reason)
                .SetProperty(m => m.ErrorReason, "Not sent: consent no longer allows it."), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>A pending recipient with its identity on the chosen channel and the content rendered for them.</summary>
public sealed record Candidate(
    Guid Id, Guid ContactId, ChannelKind Channel, Guid IdentityId, string ExternalId, string? RecipientName, DateTime? LastInboundAt,
    bool FreeEntryPoint, string? Text, string? Details, string? EmailSubject);
