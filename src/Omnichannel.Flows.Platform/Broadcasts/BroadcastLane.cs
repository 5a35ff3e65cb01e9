using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.Outbound;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Sends one channel's recipients of a run: claims a chunk (about a second's worth at the channel's pace), asks consent
/// once more, keeps within the messaging limit, then sends the chunk a few at a time — marked sending, released by the
/// channel's <see cref="SendThrottle"/>, the provider calls under way concurrently (bounded) while the next chunk is
/// claimed. Their answers go to the run's <see cref="SendOutcomeRecorder"/>. Pause and cancel are seen between chunks.
/// </summary>
internal sealed class BroadcastLane(ChannelKind channel, BroadcastRunContext context, SendThrottle throttle, ILogger logger)
{
    /// <summary>Codes that say the number as a whole goes too fast (not one customer): the whole lane slows down.</summary>
    private static readonly HashSet<string> ThroughputCodes = ["429", "130429", "80007", "4", "17", "32", "613", "20429"];

    private readonly int chunkSize = Math.Clamp(throttle.Limit, 1, context.Options.ChunkSize);
    /// <summary>About a tenth of a second's sends are marked sending together (one transaction), then released by the throttle.</summary>
    private readonly int batchSize = Math.Clamp(throttle.Limit / 10, 1, 100);

    /// <returns>True when it claimed or skipped anyone (there may be more to do once their answers are in).</returns>
    public async Task<bool> SendDueAsync(CancellationToken stopping)
    {
        var progressed = false;
        Task<IReadOnlyList<Candidate>?>? next = null;
        try
        {
            while (!stopping.IsCancellationRequested && await context.StillRunningAsync(stopping))
            {
                var claimed = await (next ?? ClaimChunkAsync(stopping));
                next = null;
                if (claimed is null)
                {
                    return progressed;
                }

                progressed = true;
                if (claimed.Count > 0)
                {
                    // The next chunk is claimed while this one is sent, so the sends never wait for a claim.
                    next = ClaimChunkAsync(stopping);
                }

                foreach (var batch in claimed.Chunk(batchSize))
                {
                    await SendBatchAsync(batch, stopping);
                }
            }

            return progressed;
        }
        finally
        {
            // A chunk claimed but not sent (paused, cancelled, stopping) is given back when the run ends.
            if (next is not null)
            {
                await next.ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <returns>The recipients claimed; empty when only skips were made; null when no one is due.</returns>
    private async Task<IReadOnlyList<Candidate>?> ClaimChunkAsync(CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow().UtcDateTime;
        var budget = channel == ChannelKind.WhatsApp ? context.Budget : null;
        var remaining = budget is null ? int.MaxValue : await budget.RemainingAsync(cancellationToken);
        var awake = context.Quiet.Awake(now);
        if (awake is { Count: 0 })
        {
            return null;
        }

        var candidates = await context.Outbox.CandidatesAsync(context.Run.BroadcastId, channel, awake, insideWindowOnly: remaining == 0, chunkSize, cancellationToken);
        if (candidates.Count == 0)
        {
            return null;
        }

        var allowed = await AllowedAsync(candidates, cancellationToken);
        var windows = candidates.ToDictionary(c => c.Id, c => context.Windows.Evaluate(channel, c.LastInboundAt, c.FreeEntryPoint, now));
        var outside = candidates.Where(c => allowed.Contains(c.ContactId) && channel == ChannelKind.WhatsApp && !windows[c.Id].Open)
            .Take(remaining).Select(c => c.Id).ToHashSet();
        var chosen = candidates.Where(c => allowed.Contains(c.ContactId) && (outside.Contains(c.Id) || windows[c.Id].Open || channel != ChannelKind.WhatsApp)).ToList();
        if (chosen.Count == 0)
        {
            return allowed.Count < candidates.Count ? [] : null;
        }

        var category = context.Run.Template?.Category ?? TemplateCategory.Marketing;
        var (claimed, created) = await context.Outbox.ClaimAsync(context.Run, chosen, outside,
            c => channel == ChannelKind.WhatsApp ? context.Costs.EstimateAsync(category, "+" + c.ExternalId, windows[c.Id], cancellationToken).AsNullable() : Task.FromResult<Pricing.CostEstimate?>(null),
            cancellationToken);
        budget?.Consume(claimed.Count(c => outside.Contains(c.Id)));
        foreach (var message in created)
        {
            context.Events.Publish(new Conversations.MessageRecorded(message.ContactId, message.Id, message.Channel, message.Direction));
        }

        logger.LogDebug("Broadcast {BroadcastId}: claimed {RecipientCount} {Channel} recipients", context.Run.BroadcastId, claimed.Count, channel);
        return claimed;
    }

    /// <summary>Consent, asked again just before sending; those it no longer allows are skipped as opted out.</summary>
    private async Task<IReadOnlySet<Guid>> AllowedAsync(IReadOnlyList<Candidate> candidates, CancellationToken cancellationToken)
    {
        await using var scope = context.Scopes.CreateAsyncScope();
        var consent = scope.ServiceProvider.GetRequiredService<ConsentPolicy>();
        var allowed = await consent.MayReceiveAsync(channel, context.Run.Broadcast.Purpose, [.. candidates.Select(c => c.ContactId).Distinct()], cancellationToken);
        var refused = candidates.Where(c => !allowed.Contains(c.ContactId)).Select(c => c.Id).ToList();
        if (refused.Count > 0)
        {
            await context.Outbox.SkipAsync(refused, SkipReasons.OptedOut, cancellationToken);
            logger.LogInformation("Broadcast {BroadcastId}: {RecipientCount} recipients opted out before their {Channel} send; skipped",
                context.Run.BroadcastId, refused.Count, channel);
        }

        return allowed;
    }

    private async Task SendBatchAsync(Candidate[] batch, CancellationToken stopping)
    {
        var marked = await context.Outbox.MarkSendingAsync(context.Run.Token, [.. batch.Select(c => c.Id)], CancellationToken.None);
        var sending = batch.Where(c => marked.Contains(c.Id)).ToList();
        try
        {
            await throttle.AcquireAsync(sending.Count, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping before these went out: they were never sent, so they go back to pending rather than unknown.
            await context.Outbox.ReleaseAsync(context.Run.Token, [.. sending.Select(c => c.Id)], CancellationToken.None);
            throw;
        }

        var adapter = context.Channels.ModeOf(channel) == ChannelMode.Live ? context.Channels.Outbound(channel) : null;
        foreach (var recipient in sending)
        {
            await context.InFlight.StartAsync(() => SendAsync(adapter, recipient));
        }
    }

    private async Task SendAsync(IOutboundChannel? adapter, Candidate recipient)
    {
        var mode = context.Channels.ModeOf(channel);
        SendOutcome outcome;
        if (mode != ChannelMode.Live || adapter is null)
        {
            outcome = mode == ChannelMode.Sandbox
                ? new SendOutcome.Accepted($"sandbox-{recipient.Id:N}")
                : new SendOutcome.Failed("channel_disabled", $"The {channel.ToName()} channel is disabled.");
        }
        else
        {
            try
            {
                // Not the run's stop token: a call under way is let finish (the HTTP client has its own timeouts), so its answer is recorded.
                outcome = await adapter.SendAsync(new OutboundMessage
                {
                    MessageId = recipient.Id,
                    RecipientId = recipient.ExternalId,
                    RecipientName = recipient.RecipientName,
                    Text = recipient.Text,
                    EmailSubject = recipient.EmailSubject,
                    Template = recipient.Details is null ? null : JsonSerializer.Deserialize<OutboundTemplate>(recipient.Details, JsonSerializerOptions.Web),
                }, CancellationToken.None);
            }
            catch (Exception exception)
            {
                outcome = SendFailureClassifier.Classify(exception);
            }
        }

        if (outcome is SendOutcome.RetryLater retry && ThroughputCodes.Contains(retry.Code))
        {
            throttle.SlowDown(retry.After);
            logger.LogWarning("Broadcast {BroadcastId}: {Channel} throughput limit ({Code}); slowing to {Rate}/s",
                context.Run.BroadcastId, channel, retry.Code, throttle.CurrentLimit);
        }

        context.Recorder.Add(new SendResult(recipient.Id, recipient.ContactId, channel, outcome, mode == ChannelMode.Sandbox));
    }
}

/// <summary>Bounds how many provider calls are under way, and knows when they have all finished.</summary>
internal sealed class InFlightSends(int limit)
{
    private readonly SemaphoreSlim slots = new(limit, limit);

    public async Task StartAsync(Func<Task> send)
    {
        await slots.WaitAsync();
        _ = RunAsync(send);
    }

    /// <summary>Completes when every call started so far has finished.</summary>
    public async Task DrainAsync()
    {
        for (var taken = 0; taken < limit; taken++)
        {
            await slots.WaitAsync();
        }

        slots.Release(limit);
    }

    private async Task RunAsync(Func<Task> send)
    {
        try
        {
            await send();
        }
        finally
        {
            slots.Release();
        }
    }
}

internal static class TaskExtensions
{
    public static async Task<T?> AsNullable<T>(this Task<T> task) where T : class => await task;
}
