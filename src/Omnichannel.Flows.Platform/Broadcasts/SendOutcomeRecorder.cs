using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Records how the provider answered a run's sends, many per transaction (group commit): whatever answers arrived within
/// <see cref="Gather"/> go in one commit, so a 1,000/s send rate costs a few commits per second, and a crash loses at most
/// that much: those sends stay 'sending' and become unknown, never resent. Accepted → sent; refused for now → queued
/// again with a back-off (the recipient pending); refused for good → failed with the provider's code; no clear answer →
/// unknown. Statuses only move forward: a status webhook may have got there first.
/// </summary>
public sealed class SendOutcomeRecorder : IAsyncDisposable
{
    /// <summary>Never tried again whatever the answer looked like: per-user marketing limit, the user stopped marketing messages.</summary>
    public static readonly IReadOnlySet<string> NeverRetried = new HashSet<string> { "131049", "131050" };

    private const int MaxBatch = 500;
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    private readonly Channel<SendResult> queue = Channel.CreateUnbounded<SendResult>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock gate = new();
    private readonly IDbContextFactory<FlowsDbContext> dbs;
    private readonly DatabaseWriteGate writeGate;
    private readonly DeliveryStatusRecorder statuses;
    private readonly ConversationEvents events;
    private readonly BroadcastActivity activity;
    private readonly BroadcastOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Guid broadcastId;
    private readonly Task loop;
    private int outstanding;
    private TaskCompletionSource idle = Completed();

    public SendOutcomeRecorder(Guid broadcastId, IDbContextFactory<FlowsDbContext> dbs, DatabaseWriteGate writeGate, DeliveryStatusRecorder statuses,
        ConversationEvents events, BroadcastActivity activity, BroadcastOptions options, TimeProvider time, ILogger logger)
    {
        (this.broadcastId, this.dbs, this.writeGate, this.statuses, this.events, this.activity, this.options, this.time, this.logger) =
            (broadcastId, dbs, writeGate, statuses, events, activity, options, time, logger);
        loop = Task.Run(RecordLoopAsync);
    }

    public void Add(SendResult result)
    {
        lock (gate)
        {
            if (outstanding++ == 0)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        queue.Writer.TryWrite(result);
    }

    /// <summary>Completes when every answer added so far is recorded.</summary>
    public Task FlushAsync()
    {
        lock (gate)
        {
            return idle.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private async Task RecordLoopAsync()
    {
        var batch = new List<SendResult>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            // Let answers gather for a moment (real time, not the business clock: this paces commits), then take them all.
            await Task.Delay(Gather);
            while (queue.Reader.TryRead(out var result))
            {
                batch.Add(result);
                if (batch.Count == MaxBatch)
                {
                    await CommitBatchAsync(batch);
                }
            }

            await CommitBatchAsync(batch);
        }
    }

    private async Task CommitBatchAsync(List<SendResult> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await CommitWithRetriesAsync(batch);
        lock (gate)
        {
            outstanding -= batch.Count;
            if (outstanding == 0)
            {
                idle.TrySetResult();
            }
        }

        batch.Clear();
    }

    private async Task CommitWithRetriesAsync(List<SendResult> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitAsync(batch);
                return;
            }
            catch (Exception exception) when (attempt < 3)
            {
                logger.LogWarning(exception, "Recording {ResultCount} broadcast send results failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception exception)
            {
                // The sends stay 'sending' and become unknown when the broadcast is recovered: never resent.
                logger.LogError(exception, "Recording {ResultCount} broadcast send results failed; they will be reconciled as unknown", batch.Count);
                return;
            }
        }
    }

    private async Task CommitAsync(List<SendResult> batch)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var accepted = batch.Where(r => r.Outcome is SendOutcome.Accepted).ToList();
        var others = batch.Where(r => r.Outcome is not SendOutcome.Accepted).Select(r => r.RecipientId).ToList();
        var changed = new List<Message>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            using var turn = await writeGate.EnterAsync(CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync();
            if (accepted.Count > 0)
            {
                await RecordAcceptedAsync(db, accepted, now);
            }

            if (others.Count > 0)
            {
                // Refusals and unclear answers are few: each message and recipient is loaded and moved on its own.
                var messages = await db.Messages.Where(m => others.Contains(m.Id)).ToDictionaryAsync(m => m.Id);
                var recipients = await db.BroadcastRecipients.Where(r => others.Contains(r.Id)).ToDictionaryAsync(r => r.Id);
                var before = messages.Values.ToDictionary(m => m.Id, m => m.Status);
                foreach (var result in batch.Where(r => messages.ContainsKey(r.RecipientId) && recipients.ContainsKey(r.RecipientId)))
                {
                    Apply(result, messages[result.RecipientId], recipients[result.RecipientId], now);
                }

                await db.SaveChangesAsync();
                changed.AddRange(messages.Values.Where(m => m.Status != before[m.Id]));
            }

            await transaction.CommitAsync();
        }

        foreach (var sent in accepted)
        {
            events.Publish(new MessageStatusChanged(sent.ContactId, sent.RecipientId, sent.Channel, DeliveryStatus.Sent));
        }

        foreach (var message in changed)
        {
            events.Publish(new MessageStatusChanged(message.ContactId, message.Id, message.Channel, message.Status));
            if (message.Status == DeliveryStatus.Failed)
            {
                // Listeners react to failures (an opt-out, 131050, is recorded through consent by BroadcastOptOutListener).
                events.Publish(new MessageSendFailed(message.ContactId, message.Id, message.Channel, message.ErrorCode, message.ErrorReason));
            }
        }

        foreach (var channel in accepted.GroupBy(r => r.Channel))
        {
            FlowsTelemetry.MessagesSent.Add(channel.Count(), new KeyValuePair<string, object?>("channel", channel.Key.ToName()));
        }

        activity.Publish(broadcastId);
    }

    /// <summary>Accepted sends: their messages sent with the provider's id, their recipients sent; statuses that came first applied.</summary>
    private async Task RecordAcceptedAsync(FlowsDbContext db, List<SendResult> accepted, DateTime now)
    {
        var ids = accepted.Select(r => r.RecipientId).ToList();
        var externalIds = accepted.Select(r => ((SendOutcome.Accepted)r.Outcome).ExternalId).ToList();
        var taken = (await db.Messages.Where(m => externalIds.Contains(m.ExternalId!) && !ids.Contains(m.Id)).Select(m => m.ExternalId!).ToListAsync()).ToHashSet();
        var sends = new List<AcceptedSend>(accepted.Count);
        foreach (var result in accepted)
        {
            var externalId = ((SendOutcome.Accepted)result.Outcome).ExternalId;
            if (!taken.Add(externalId))
            {
                logger.LogError("{Channel} provider id {ExternalId} of broadcast message {MessageId} already belongs to another message",
                    result.Channel, externalId, result.RecipientId);
                externalId = null;
            }

            sends.Add(new AcceptedSend(result.RecipientId, externalId, result.Sandbox));
        }

        await AcceptedSends.RecordAsync(db, sends, now, CancellationToken.None);
        await db.BroadcastRecipients.Where(r => ids.Contains(r.Id) && r.State == RecipientState.Sending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.State, RecipientState.Sent)
                .SetProperty(r => r.ErrorCode, (string?)null)
                .SetProperty(r => r.ErrorReason, (string?)null));

        // Statuses that arrived before the send's answer (no correlation id to match them by) are applied now.
        if (await db.PendingDeliveryStatuses.AnyAsync(s => externalIds.Contains(s.ExternalId)))
        {
            var early = await db.PendingDeliveryStatuses.Where(s => externalIds.Contains(s.ExternalId)).Select(s => s.ExternalId).ToListAsync();
            foreach (var message in await db.Messages.Where(m => early.Contains(m.ExternalId!)).ToListAsync())
            {
                await statuses.ApplyPendingAsync(db, message, CancellationToken.None);
            }

            await db.SaveChangesAsync();
        }
    }

    private void Apply(SendResult result, Message message, BroadcastRecipient recipient, DateTime now)
    {
        switch (result.Outcome)
        {
            case SendOutcome.RetryLater retry when recipient.Attempts < options.MaxAttempts && !NeverRetried.Contains(retry.Code)
                && message.Status == DeliveryStatus.Sending:
                var at = now + (retry.After ?? Backoff(recipient.Attempts));
                (message.Status, message.StatusAt, message.NextAttemptAt, message.ErrorCode, message.ErrorReason) =
                    (DeliveryStatus.Queued, now, at, retry.Code, retry.Reason);
                (recipient.State, recipient.NextAttemptAt, recipient.ClaimToken, recipient.OutsideWindowAt, recipient.ErrorCode, recipient.ErrorReason) =
                    (RecipientState.Pending, at, null, null, retry.Code, retry.Reason);
                break;
            case SendOutcome.RetryLater retry:
                Fail(message, recipient, retry.Code,
                    NeverRetried.Contains(retry.Code) ? retry.Reason : $"Gave up after {recipient.Attempts} attempts: {retry.Reason}", now);
                break;
            case SendOutcome.Failed failed:
                Fail(message, recipient, failed.Code, failed.Reason, now);
                break;
            case SendOutcome.Unknown unknown:
                Move(message, DeliveryStatus.Unknown, now);
                message.ErrorReason = unknown.Reason;
                (recipient.State, recipient.ErrorReason) = (RecipientState.Unknown, unknown.Reason);
                break;
        }
    }

    private static void Fail(Message message, BroadcastRecipient recipient, string code, string reason, DateTime now)
    {
        if (Move(message, DeliveryStatus.Failed, now))
        {
            (message.ErrorCode, message.ErrorReason) = SendFailures.Classify(code, reason);
        }

        (recipient.State, recipient.ErrorCode, recipient.ErrorReason) = (RecipientState.Failed, code, reason);
        FlowsTelemetry.MessagesFailed.Add(1, new KeyValuePair<string, object?>("channel", message.Channel.ToName()));
    }

    private static bool Move(Message message, DeliveryStatus status, DateTime now)
    {
        // Unknown is only where an unanswered send stands; a status webhook may already have moved the message on.
        if (status == DeliveryStatus.Unknown ? message.Status != DeliveryStatus.Sending : !DeliveryStatusProgression.CanMove(message.Status, status))
        {
            return false;
        }

        (message.Status, message.StatusAt) = (status, now);
        return true;
    }

    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(Math.Pow(2, attempt), options.MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}

/// <param name="RecipientId">The recipient's id, which is also its message's id.</param>
/// <param name="Sandbox">The channel runs in sandbox mode: nothing left the building.</param>
public sealed record SendResult(Guid RecipientId, Guid ContactId, ChannelKind Channel, SendOutcome Outcome, bool Sandbox);
