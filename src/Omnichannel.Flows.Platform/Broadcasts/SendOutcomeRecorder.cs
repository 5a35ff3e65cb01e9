using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Ingest;
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
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    private readonly Channel<SendResult> queue = Channel.CreateUnbounded<SendResult>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock gate = new();
    private readonly IDbContextFactory<FlowsDbContext> dbs;
    private readonly InboundWriteGate writeGate;
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

    public SendOutcomeRecorder(Guid broadcastId, IDbContextFactory<FlowsDbContext> dbs, InboundWriteGate writeGate, DeliveryStatusRecorder statuses,
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
            // Real time, not the business clock: this paces commits.
            var began = Stopwatch.GetTimestamp();
            while (batch.Count < MaxBatch)
            {
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var result))
                {
                    batch.Add(result);
                }

                var left = Gather - Stopwatch.GetElapsedTime(began);
                if (batch.Count >= MaxBatch || left <= TimeSpan.Zero || !await WaitForMoreAsync(left))
                {
                    break;
                }
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
    }

    private async Task<bool> WaitForMoreAsync(TimeSpan left)
    {
        using var timeout = new CancellationTokenSource(left);
        try
        {
            return await queue.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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
        var ids = batch.Select(r => r.RecipientId).ToList();
        var accepted = batch.Select(r => r.Outcome).OfType<SendOutcome.Accepted>().Select(a => a.ExternalId).ToList();
        List<Message> changed;
        await using (var db = await dbs.CreateDbContextAsync())
        {
            using var turn = await writeGate.EnterAsync(CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync();
            var messages = await db.Messages.Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id);
            var recipients = await db.BroadcastRecipients.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id);
            var taken = (await db.Messages.Where(m => accepted.Contains(m.ExternalId!) && !ids.Contains(m.Id))
                .Select(m => m.ExternalId).ToListAsync()).ToHashSet();
            var before = messages.Values.ToDictionary(m => m.Id, m => m.Status);
            foreach (var result in batch)
            {
                if (messages.TryGetValue(result.RecipientId, out var message) && recipients.TryGetValue(result.RecipientId, out var recipient))
                {
                    Apply(result, message, recipient, taken, now);
                }
            }

            var early = await db.PendingDeliveryStatuses.Where(s => accepted.Contains(s.ExternalId)).Select(s => s.ExternalId).ToListAsync();
            foreach (var message in messages.Values.Where(m => m.ExternalId is not null && early.Contains(m.ExternalId)))
            {
                await statuses.ApplyPendingAsync(db, message, CancellationToken.None);
            }

            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            changed = [.. messages.Values.Where(m => m.Status != before[m.Id])];
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

        activity.Publish(broadcastId);
    }

    private void Apply(SendResult result, Message message, BroadcastRecipient recipient, HashSet<string?> taken, DateTime now)
    {
        switch (result.Outcome)
        {
            case SendOutcome.Accepted sent:
                if (!taken.Add(sent.ExternalId))
                {
                    logger.LogError("{Channel} provider id {ExternalId} of broadcast message {MessageId} already belongs to another message",
                        message.Channel, sent.ExternalId, message.Id);
                }
                else
                {
                    message.ExternalId ??= sent.ExternalId;
                }

                Move(message, DeliveryStatus.Sent, now);
                message.IsSandbox = result.Sandbox;
                message.NextAttemptAt = null;
                if (message.Channel == ChannelKind.Email)
                {
                    message.EmailMessageId ??= sent.ExternalId;
                }

                (recipient.State, recipient.ErrorCode, recipient.ErrorReason) = (RecipientState.Sent, null, null);
                FlowsTelemetry.MessagesSent.Add(1, new KeyValuePair<string, object?>("channel", message.Channel.ToName()));
                break;
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
public sealed record SendResult(Guid RecipientId, SendOutcome Outcome, bool Sandbox);
