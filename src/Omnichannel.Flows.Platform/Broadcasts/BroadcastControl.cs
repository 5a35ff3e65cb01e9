using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Test send, scheduling (with the estimate's total confirmed), pause, resume and cancel — shared by
/// <see cref="BroadcastControlApi"/> and the broadcast pages.
/// </summary>
public sealed class BroadcastControl(
    FlowsDbContext db, BroadcastValidator validator, BroadcastEstimator estimator, RecipientPlanner planner, ConsentPolicy consent,
    ContactQueries contacts, MessageSender sender, BroadcastOutbox outbox, BroadcastProgressQuery progress, BroadcastActivity activity,
    IBackgroundJobClient jobs, TimeProvider time, ILogger<BroadcastControl> logger)
{
    /// <summary>Sends the broadcast's message, as the contact would get it, to one contact (the marketer's own test profile).</summary>
    public async Task<BroadcastOutcome<SendRequestResult>> TestAsync(Guid id, Guid? contactId, string? userId, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return BroadcastRefusal.NotFound("No such broadcast.");
        }

        if (contactId is not { } wanted || await contacts.ResolveSurvivorAsync(wanted, cancellationToken) is not { } survivor)
        {
            return contactId is null ? BroadcastRefusal.Invalid("/contactId", "contactId is required: the contact to send the test to.")
                : BroadcastRefusal.NotFound("No such contact.");
        }

        var validation = await validator.ValidateAsync(BroadcastRequest.From(broadcast, BroadcastDefinition.Parse(broadcast.Definition)), complete: true, cancellationToken);
        if (!validation.IsValid)
        {
            return BroadcastRefusal.Invalid(validation.Errors, BroadcastRefusal.CompleteFirst);
        }

        var plan = new BroadcastPlan(broadcast.Name, broadcast.Purpose, validation.Definition!, validation.Template, consent);
        var planned = (await planner.PlanAsync(db, plan, [survivor], time.GetUtcNow().UtcDateTime, cancellationToken)).Single();
        if (planned is not { Channel: { } channel, Content: { } content })
        {
            return BroadcastRefusal.Unprocessable("The contact would be skipped", $"The broadcast would skip this contact: {planned.SkipReason}.", "/contactId");
        }

        var author = $"Test of broadcast: {broadcast.Name}";
        var result = channel == ChannelKind.WhatsApp
            ? await sender.QueueTemplateAsync(new SendTemplateRequest(survivor, channel, validation.Template!.Name, validation.Template.Language,
                TemplateValues(content), MessageOrigin.Broadcast) { AuthorUserId = userId, AuthorName = author }, cancellationToken)
            : await sender.QueueTextAsync(new SendTextRequest(survivor, channel, content.Text, MessageOrigin.Broadcast)
                { AuthorUserId = userId, AuthorName = author, Subject = content.Subject }, cancellationToken);
        if (result.Message is not null)
        {
            broadcast.LastTestSentAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Test of broadcast {BroadcastId} queued to {ContactId} on {Channel}", id, survivor, channel);
        }

        return result;
    }

    /// <summary>
    /// Schedules the broadcast (now, or at <see cref="ScheduleRequest.At"/>) once the marketer confirmed the cost:
    /// <see cref="ScheduleRequest.ConfirmTotal"/> must be the estimate's total as it is now, else a conflict with the current estimate.
    /// </summary>
    public async Task<BroadcastOutcome<BroadcastView>> ScheduleAsync(Guid id, ScheduleRequest request, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return BroadcastRefusal.NotFound("No such broadcast.");
        }

        if (broadcast.State is not (BroadcastState.Draft or BroadcastState.Scheduled))
        {
            return BroadcastRefusal.Conflict("Already started", $"The broadcast is {Name(broadcast.State)}; only a draft or a scheduled broadcast can be scheduled.", "/state");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (request.ConfirmTotal is not { } confirmed)
        {
            return BroadcastRefusal.Invalid("/confirmTotal", "confirmTotal is required: the estimate's total you saw (GET …/estimate), to confirm the cost.");
        }

        if (request.At is { } at && ToUtc(at) < now.AddMinutes(-1))
        {
            return BroadcastRefusal.Invalid("/at", "at is in the past; leave it out to send now.");
        }

        var validation = await validator.ValidateAsync(BroadcastRequest.From(broadcast, BroadcastDefinition.Parse(broadcast.Definition)), complete: true, cancellationToken);
        if (!validation.IsValid)
        {
            return BroadcastRefusal.Invalid(validation.Errors, BroadcastRefusal.CompleteFirst);
        }

        var estimate = await estimator.EstimateAsync(broadcast.Name, broadcast.Purpose, validation.Definition!, validation.Template, cancellationToken);
        if ((long)decimal.Round(confirmed * 1_000_000m) != estimate.TotalMicros)
        {
            return BroadcastRefusal.Conflict("The cost changed",
                $"The broadcast would now cost {estimate.Total} {estimate.Currency}, not {confirmed}: look at the estimate again and confirm its total.",
                "/confirmTotal", estimate);
        }

        var startAt = request.At is { } when && ToUtc(when) > now ? ToUtc(when) : now;
        var scheduled = await db.Broadcasts.Where(b => b.Id == id && (b.State == BroadcastState.Draft || b.State == BroadcastState.Scheduled))
            .ExecuteUpdateAsync(set => set
                .SetProperty(b => b.State, BroadcastState.Scheduled)
                .SetProperty(b => b.ScheduledAt, startAt)
                .SetProperty(b => b.ConfirmedCostMicros, estimate.TotalMicros)
                .SetProperty(b => b.ConfirmedCurrency, estimate.Currency)
                .SetProperty(b => b.UpdatedAt, now), cancellationToken);
        if (scheduled == 0)
        {
            return BroadcastRefusal.Conflict("Already started", "The broadcast changed state meanwhile.", "/state");
        }

        logger.LogInformation("Broadcast {BroadcastId} scheduled for {StartAt} at a confirmed cost of {Total} {Currency}", id, startAt, estimate.Total, estimate.Currency);
        Arm(id, startAt - now);
        activity.Publish(id);
        await db.Entry(broadcast).ReloadAsync(cancellationToken);
        return await BroadcastView.FromAsync(broadcast, progress, cancellationToken);
    }

    /// <summary>Stops sending after the chunk under way; resume continues where it stopped.</summary>
    public Task<BroadcastOutcome<BroadcastView>> PauseAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, [BroadcastState.Scheduled, BroadcastState.Running], "paused", cancellationToken, set => set
            .SetProperty(b => b.State, BroadcastState.Paused)
            .SetProperty(b => b.WaitingReason, (string?)null)
            .SetProperty(b => b.WaitingUntil, (DateTime?)null)
            .SetProperty(b => b.UpdatedAt, time.GetUtcNow().UtcDateTime));

    public async Task<BroadcastOutcome<BroadcastView>> ResumeAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(id, [BroadcastState.Paused], "resumed", cancellationToken, set => set
            .SetProperty(b => b.State, b => b.StartedAt == null ? BroadcastState.Scheduled : BroadcastState.Running)
            .SetProperty(b => b.UpdatedAt, time.GetUtcNow().UtcDateTime));
        var scheduledAt = await db.Broadcasts.Where(b => b.Id == id).Select(b => b.ScheduledAt).FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        Arm(id, scheduledAt is { } at && at > now ? at - now : TimeSpan.Zero);
        return result;
    }

    /// <summary>Stops for good: recipients not sent yet are skipped as cancelled; sends under way finish.</summary>
    public Task<BroadcastOutcome<BroadcastView>> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return ChangeAsync(id, [BroadcastState.Draft, BroadcastState.Scheduled, BroadcastState.Running, BroadcastState.Paused],
            "cancelled", cancellationToken, set => set
                .SetProperty(b => b.State, BroadcastState.Cancelled)
                .SetProperty(b => b.CancelledAt, now)
                .SetProperty(b => b.WaitingReason, (string?)null)
                .SetProperty(b => b.WaitingUntil, (DateTime?)null)
                .SetProperty(b => b.UpdatedAt, now),
            () => outbox.SkipCancelledAsync(id, cancellationToken));
    }

    private async Task<BroadcastOutcome<BroadcastView>> ChangeAsync(
        Guid id, BroadcastState[] from, string verb, CancellationToken cancellationToken,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Broadcast>> change, Func<Task>? alsoAsync = null)
    {
        var changed = await db.Broadcasts.Where(b => b.Id == id && from.Contains(b.State)).ExecuteUpdateAsync(change, cancellationToken);
        var broadcast = await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return BroadcastRefusal.NotFound("No such broadcast.");
        }

        if (changed == 0)
        {
            return BroadcastRefusal.Conflict($"Cannot be {verb}",
                $"The broadcast is {Name(broadcast.State)}; only a {string.Join(" or ", from.Select(Name))} broadcast can be {verb}.", "/state");
        }

        if (alsoAsync is not null)
        {
            await alsoAsync();
        }

        logger.LogInformation("Broadcast {BroadcastId} {Change}", id, verb);
        activity.Publish(id);
        return await BroadcastView.FromAsync(broadcast, progress, cancellationToken);
    }

    private void Arm(Guid id, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            jobs.Schedule<BroadcastRunJob>(j => j.RunAsync(id, CancellationToken.None), delay);
        }
        else
        {
            jobs.Enqueue<BroadcastRunJob>(j => j.RunAsync(id, CancellationToken.None));
        }
    }

    /// <summary>The template's values in the shape <see cref="MessageSender"/> takes (by placeholder name).</summary>
    private static JsonElement TemplateValues(RenderedContent content)
    {
        var template = JsonSerializer.Deserialize<OutboundTemplate>(content.Details!, JsonSerializerOptions.Web)!;
        return JsonSerializer.SerializeToElement(template.BodyParameters.ToDictionary(p => p.Name, p => p.Text));
    }

    private static DateTime ToUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static string Name(BroadcastState state) => state.ToString().ToLowerInvariant();
}
