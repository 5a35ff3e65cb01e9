using System.Text.Json;
using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Channels.Outbound;

/// <summary>
/// The Hangfire job that sends one queued message. Safe to run twice: the message is claimed queued → sending with a
/// conditional update, so only one run calls the provider; a run that finds it claimed does nothing.
/// </summary>
public sealed class OutboundDispatchJob(
    FlowsDbContext db,
    ChannelRegistry channels,
    DeliveryStatusRecorder statuses,
    OutboundEchoMatcher echoes,
    ConversationEvents events,
    ConsentPolicy consent,
    IBackgroundJobClient jobs,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<OutboundDispatchJob> logger)
{
    /// <summary>The failure code of a send the customer had opted out of by the time it went.</summary>
    public const string OptedOutCode = "opted_out";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Send message {0}")]
    public async Task RunAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.Messages
            .Where(m => m.Id == messageId && m.Status == DeliveryStatus.Queued)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, DeliveryStatus.Sending)
                .SetProperty(m => m.StatusAt, now)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);
        if (claimed == 0)
        {
            return;
        }

        var message = await db.Messages.FirstAsync(m => m.Id == messageId, cancellationToken);
        using var activity = FlowsTelemetry.Source.StartActivity("outbound.send", ActivityKind.Producer);
        activity?.SetTag("channel", message.Channel.ToName());
        activity?.SetTag("message.id", message.Id);

        var outcome = await SendAsync(message, cancellationToken);
        await ApplyAsync(message, outcome, now, cancellationToken);
        events.Publish(new MessageStatusChanged(message.ContactId, message.Id, message.Channel, message.Status));
        if (message.Status == DeliveryStatus.Failed)
        {
            events.Publish(new MessageSendFailed(message.ContactId, message.Id, message.Channel, message.ErrorCode, message.ErrorReason));
        }
    }

    private async Task<SendOutcome> SendAsync(Message message, CancellationToken cancellationToken)
    {
        // Consent is checked again at the last moment: a STOP may have arrived while the message waited in the queue.
        var decision = await consent.CheckAsync(message.ContactId, message.Channel, SendPurposes.Of(message.Origin, message.TemplateCategory), cancellationToken);
        if (!decision.IsAllowed)
        {
            return new SendOutcome.Failed(OptedOutCode, decision.Reason!);
        }

        switch (channels.ModeOf(message.Channel))
        {
            case ChannelMode.Disabled:
                return new SendOutcome.Failed("channel_disabled", $"The {message.Channel.ToName()} channel is disabled.");
            case ChannelMode.Sandbox:
                message.IsSandbox = true;
                return new SendOutcome.Accepted($"sandbox-{message.Id:N}");
        }

        var identity = await db.ChannelIdentities.AsNoTracking()
            .FirstOrDefaultAsync(i => i.Id == message.ChannelIdentityId, cancellationToken);
        if (identity is null)
        {
            return new SendOutcome.Failed("no_recipient", "The customer's identity on this channel no longer exists.");
        }

        var request = new OutboundMessage
        {
            MessageId = message.Id,
            RecipientId = identity.ExternalId,
            RecipientName = identity.DisplayName,
            Text = message.Text,
            EmailSubject = message.EmailSubject,
            EmailMessageId = message.EmailMessageId,
            EmailInReplyTo = message.EmailInReplyTo,
            MessageTag = message.ProviderTag,
            Template = message.TemplateName is null ? null : JsonSerializer.Deserialize<OutboundTemplate>(message.Details ?? "{}", JsonSerializerOptions.Web),
        };

        try
        {
            return await channels.Outbound(message.Channel).SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return SendFailureClassifier.Classify(exception);
        }
    }

    /// <param name="attemptStartedAt">
    /// When the provider call began: an accepted message's <see cref="Message.SentAt"/>, so it is never later than the
    /// provider's own timestamp for it (read watermarks compare against that).
    /// </param>
    private async Task ApplyAsync(Message message, SendOutcome outcome, DateTime attemptStartedAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        message.StatusAt = now;
        switch (outcome)
        {
            case SendOutcome.Accepted accepted:
                if (await echoes.ReleaseExternalIdAsync(db, message, accepted.ExternalId, cancellationToken))
                {
                    message.ExternalId = accepted.ExternalId;
                }

                // An echo or status webhook may have moved the message on while the provider call was under way.
                var current = await db.Messages.AsNoTracking().Where(m => m.Id == message.Id).Select(m => m.Status).FirstAsync(cancellationToken);
                message.Status = DeliveryStatusProgression.CanMove(current, DeliveryStatus.Sent) ? DeliveryStatus.Sent : current;
                message.SentAt = attemptStartedAt;
                message.NextAttemptAt = null;
                if (message.Channel == ChannelKind.Email)
                {
                    message.EmailMessageId ??= accepted.ExternalId;
                }

                await statuses.ApplyPendingAsync(db, message, cancellationToken);
                FlowsTelemetry.MessagesSent.Add(1, new KeyValuePair<string, object?>("channel", message.Channel.ToName()));
                logger.LogInformation("Sent {Channel} message {MessageId} to contact {ContactId} as {ExternalId}{Sandbox}",
                    message.Channel, message.Id, message.ContactId, accepted.ExternalId, message.IsSandbox ? " (sandbox)" : "");
                break;
            case SendOutcome.RetryLater retry when message.Attempts < options.Value.MaxAttempts:
                var delay = retry.After ?? Backoff(message.Attempts);
                message.Status = DeliveryStatus.Queued;
                message.NextAttemptAt = now + delay;
                message.ErrorCode = retry.Code;
                message.ErrorReason = retry.Reason;
                logger.LogWarning("{Channel} send of {MessageId} deferred {Delay} ({Code}: {Reason})",
                    message.Channel, message.Id, delay, retry.Code, retry.Reason);
                break;
            case SendOutcome.RetryLater retry:
                Fail(message, retry.Code, $"Gave up after {message.Attempts} attempts: {retry.Reason}");
                break;
            case SendOutcome.Failed failed:
                Fail(message, failed.Code, failed.Reason);
                break;
            case SendOutcome.Unknown unknown:
                message.Status = DeliveryStatus.Unknown;
                message.ErrorReason = unknown.Reason;
                logger.LogWarning("{Channel} send of {MessageId} ended in an unknown state: {Reason}. It will be reconciled from status webhooks, not resent",
                    message.Channel, message.Id, unknown.Reason);
                break;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (message is { Status: DeliveryStatus.Queued, NextAttemptAt: { } next })
        {
            jobs.Schedule<OutboundDispatchJob>(j => j.RunAsync(message.Id, CancellationToken.None), next - now);
        }
    }

    private void Fail(Message message, string providerCode, string providerReason)
    {
        var (code, reason) = SendFailures.Classify(providerCode, providerReason);
        message.Status = DeliveryStatus.Failed;
        message.ErrorCode = code;
        message.ErrorReason = reason;
        message.NextAttemptAt = null;
        SendFailures.RaiseAutomationEvent(db, message, time.GetUtcNow().UtcDateTime);
        FlowsTelemetry.MessagesFailed.Add(1, new KeyValuePair<string, object?>("channel", message.Channel.ToName()));
        logger.LogWarning("{Channel} send of {MessageId} failed: {Code} {Reason}", message.Channel, message.Id, code, reason);
    }

    private TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(Math.Pow(2, attempt), options.Value.MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
