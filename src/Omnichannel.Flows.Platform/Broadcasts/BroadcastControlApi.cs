using System.Security.Claims;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>Test send, scheduling (with the estimate's total confirmed), pause, resume and cancel.</summary>
public static class BroadcastControlApi
{
    public static RouteGroupBuilder MapBroadcastControlApi(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/test", TestAsync);
        group.MapPost("/{id:guid}/schedule", ScheduleAsync);
        group.MapPost("/{id:guid}/pause", PauseAsync);
        group.MapPost("/{id:guid}/resume", ResumeAsync);
        group.MapPost("/{id:guid}/cancel", CancelAsync);
        return group;
    }

    /// <summary>Sends the broadcast's message, as the contact would get it, to one contact (the marketer's own test profile).</summary>
    private static async Task<IResult> TestAsync(
        Guid id, TestSendRequest request, FlowsDbContext db, BroadcastValidator validator, RecipientPlanner planner, ConsentPolicy consent,
        ContactQueries contacts, MessageSender sender, ClaimsPrincipal user, TimeProvider time, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return ApiProblems.NotFound("No such broadcast.");
        }

        if (request.ContactId is not { } contactId || await contacts.ResolveSurvivorAsync(contactId, cancellationToken) is not { } survivor)
        {
            return request.ContactId is null ? ApiProblems.Invalid("/contactId", "contactId is required: the contact to send the test to.")
                : ApiProblems.NotFound("No such contact.");
        }

        var validation = await validator.ValidateAsync(BroadcastRequest.From(broadcast, BroadcastDefinition.Parse(broadcast.Definition)), complete: true, cancellationToken);
        if (!validation.IsValid)
        {
            return Results.ValidationProblem(validation.Errors, detail: "Complete the broadcast first: these parts are missing or no longer valid.");
        }

        var plan = new BroadcastPlan(broadcast.Name, broadcast.Purpose, validation.Definition!, validation.Template, consent);
        var planned = (await planner.PlanAsync(db, plan, [survivor], time.GetUtcNow().UtcDateTime, cancellationToken)).Single();
        if (planned is not { Channel: { } channel, Content: { } content })
        {
            return ApiProblems.Unprocessable("The contact would be skipped", $"The broadcast would skip this contact: {planned.SkipReason}.", "/contactId");
        }

        var result = channel == ChannelKind.WhatsApp
            ? await sender.QueueTemplateAsync(new SendTemplateRequest(survivor, channel, validation.Template!.Name, validation.Template.Language,
                TemplateValues(content), MessageOrigin.Broadcast) { AuthorUserId = user.Id(), AuthorName = $"Test of broadcast: {broadcast.Name}" }, cancellationToken)
            : await sender.QueueTextAsync(new SendTextRequest(survivor, channel, content.Text, MessageOrigin.Broadcast)
                { AuthorUserId = user.Id(), AuthorName = $"Test of broadcast: {broadcast.Name}", Subject = content.Subject }, cancellationToken);
        if (result.Message is not null)
        {
            broadcast.LastTestSentAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
        }

        return ThreadApi.Answer(result);
    }

    /// <summary>
    /// Schedules the broadcast (now, or at <c>at</c>) once the marketer confirmed the cost: <c>confirmTotal</c> must be
    /// the estimate's total as it is now, else 409 with the current estimate to look at again.
    /// </summary>
    private static async Task<IResult> ScheduleAsync(
        Guid id, ScheduleRequest request, FlowsDbContext db, BroadcastValidator validator, BroadcastEstimator estimator, IBackgroundJobClient jobs,
        BroadcastProgressQuery progress, TimeProvider time, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return ApiProblems.NotFound("No such broadcast.");
        }

        if (broadcast.State is not (BroadcastState.Draft or BroadcastState.Scheduled))
        {
            return ApiProblems.Conflict("Already started", $"The broadcast is {Name(broadcast.State)}; only a draft or a scheduled broadcast can be scheduled.", "/state");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (request.ConfirmTotal is not { } confirmed)
        {
            return ApiProblems.Invalid("/confirmTotal", "confirmTotal is required: the estimate's total you saw (GET …/estimate), to confirm the cost.");
        }

        if (request.At is { } at && ToUtc(at) < now.AddMinutes(-1))
        {
            return ApiProblems.Invalid("/at", "at is in the past; leave it out to send now.");
        }

        var validation = await validator.ValidateAsync(BroadcastRequest.From(broadcast, BroadcastDefinition.Parse(broadcast.Definition)), complete: true, cancellationToken);
        if (!validation.IsValid)
        {
            return Results.ValidationProblem(validation.Errors, detail: "Complete the broadcast first: these parts are missing or no longer valid.");
        }

        var estimate = await estimator.EstimateAsync(broadcast.Name, broadcast.Purpose, validation.Definition!, validation.Template, cancellationToken);
        if ((long)decimal.Round(confirmed * 1_000_000m) != estimate.TotalMicros)
        {
            return ApiProblems.Conflict("The cost changed",
                $"The broadcast would now cost {estimate.Total} {estimate.Currency}, not {confirmed}: look at the estimate again and confirm its total.",
                "/confirmTotal", new Dictionary<string, object?> { ["estimate"] = estimate });
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
            return ApiProblems.Conflict("Already started", "The broadcast changed state meanwhile.", "/state");
        }

        Arm(jobs, id, startAt - now);
        await db.Entry(broadcast).ReloadAsync(cancellationToken);
        return TypedResults.Accepted($"/api/broadcasts/{id}", await BroadcastView.FromAsync(broadcast, progress, cancellationToken));
    }

    /// <summary>Stops sending after the chunk under way; resume continues where it stopped.</summary>
    private static Task<IResult> PauseAsync(Guid id, FlowsDbContext db, BroadcastProgressQuery progress, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(db, progress, id, [BroadcastState.Scheduled, BroadcastState.Running], "paused", cancellationToken, set => set
            .SetProperty(b => b.State, BroadcastState.Paused)
            .SetProperty(b => b.WaitingReason, (string?)null)
            .SetProperty(b => b.WaitingUntil, (DateTime?)null)
            .SetProperty(b => b.UpdatedAt, time.GetUtcNow().UtcDateTime));

    private static async Task<IResult> ResumeAsync(
        Guid id, FlowsDbContext db, BroadcastProgressQuery progress, IBackgroundJobClient jobs, TimeProvider time, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(db, progress, id, [BroadcastState.Paused], "resumed", cancellationToken, set => set
            .SetProperty(b => b.State, b => b.StartedAt == null ? BroadcastState.Scheduled : BroadcastState.Running)
            .SetProperty(b => b.UpdatedAt, time.GetUtcNow().UtcDateTime));
        var scheduledAt = await db.Broadcasts.Where(b => b.Id == id).Select(b => b.ScheduledAt).FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        Arm(jobs, id, scheduledAt is { } at && at > now ? at - now : TimeSpan.Zero);
        return result;
    }

    /// <summary>Stops for good: recipients not sent yet are skipped as cancelled; sends under way finish.</summary>
    private static async Task<IResult> CancelAsync(
        Guid id, FlowsDbContext db, BroadcastOutbox outbox, BroadcastProgressQuery progress, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await ChangeAsync(db, progress, id, [BroadcastState.Draft, BroadcastState.Scheduled, BroadcastState.Running, BroadcastState.Paused],
            "cancelled", cancellationToken, set => set
                .SetProperty(b => b.State, BroadcastState.Cancelled)
                .SetProperty(b => b.CancelledAt, now)
                .SetProperty(b => b.WaitingReason, (string?)null)
                .SetProperty(b => b.WaitingUntil, (DateTime?)null)
                .SetProperty(b => b.UpdatedAt, now),
            () => outbox.SkipCancelledAsync(id, cancellationToken));
    }

    private static async Task<IResult> ChangeAsync(
        FlowsDbContext db, BroadcastProgressQuery progress, Guid id, BroadcastState[] from, string verb, CancellationToken cancellationToken,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Broadcast>> change, Func<Task>? alsoAsync = null)
    {
        var changed = await db.Broadcasts.Where(b => b.Id == id && from.Contains(b.State)).ExecuteUpdateAsync(change, cancellationToken);
        var broadcast = await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return ApiProblems.NotFound("No such broadcast.");
        }

        if (changed == 0)
        {
            return ApiProblems.Conflict($"Cannot be {verb}",
                $"The broadcast is {Name(broadcast.State)}; only a {string.Join(" or ", from.Select(Name))} broadcast can be {verb}.", "/state");
        }

        if (alsoAsync is not null)
        {
            await alsoAsync();
        }

        return TypedResults.Ok(await BroadcastView.FromAsync(broadcast, progress, cancellationToken));
    }

    private static void Arm(IBackgroundJobClient jobs, Guid id, TimeSpan delay)
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
