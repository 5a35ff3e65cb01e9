using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// <c>/api/broadcasts</c> for the Marketing and Admin roles: drafts, the audience preview, cost before send, a test send,
/// scheduling with the cost confirmed, pause / resume / cancel, and progress.
/// </summary>
public static class BroadcastsApi
{
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapBroadcastsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/broadcasts").WithTags("Broadcasts").RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Marketing));
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapPost("/audience/preview", PreviewAsync);
        group.MapGet("/{id:guid}/estimate", EstimateAsync);
        group.MapBroadcastControlApi();
        return app;
    }

    private static async Task<IResult> ListAsync(FlowsDbContext db, int? page, int? pageSize, string? state, CancellationToken cancellationToken)
    {
        if (pageSize is < 1 or > MaxPageSize || page is < 1)
        {
            return ApiProblems.Invalid(page is < 1 ? "page" : "pageSize", $"page starts at 1; pageSize is 1 to {MaxPageSize}.");
        }

        var query = db.Broadcasts.AsNoTracking();
        if (state is not null)
        {
            if (!Enum.TryParse<BroadcastState>(state, ignoreCase: true, out var wanted) || !Enum.IsDefined(wanted) || state.All(char.IsAsciiDigit))
            {
                return ApiProblems.Invalid("state", "state is draft, scheduled, running, paused, completed or cancelled.");
            }

            query = query.Where(b => b.State == wanted);
        }

        var (number, size) = (page ?? 1, pageSize ?? 25);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id).Skip((number - 1) * size).Take(size)
            .Select(b => new BroadcastSummary(b.Id, b.Name, b.Purpose, b.State, b.RecipientCount, b.CreatedAt, b.ScheduledAt, b.StartedAt, b.CompletedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new { items, total, page = number, pageSize = size });
    }

    private static async Task<IResult> CreateAsync(
        BroadcastRequest request, FlowsDbContext db, BroadcastValidator validator, ClaimsPrincipal user, TimeProvider time, BroadcastProgressQuery progress,
        CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, complete: false, cancellationToken);
        if (!validation.IsValid)
        {
            return Results.ValidationProblem(validation.Errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var broadcast = new Broadcast
        {
            Name = request.Name!.Trim(),
            Purpose = validation.Purpose,
            Definition = validation.Definition!.ToJson(),
            CreatedByUserId = user.Id(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Broadcasts.Add(broadcast);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/broadcasts/{broadcast.Id}", await BroadcastView.FromAsync(broadcast, progress, cancellationToken));
    }

    private static async Task<IResult> GetAsync(Guid id, FlowsDbContext db, BroadcastProgressQuery progress, CancellationToken cancellationToken) =>
        await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken) is { } broadcast
            ? TypedResults.Ok(await BroadcastView.FromAsync(broadcast, progress, cancellationToken))
            : ApiProblems.NotFound("No such broadcast.");

    private static async Task<IResult> UpdateAsync(
        Guid id, BroadcastRequest request, FlowsDbContext db, BroadcastValidator validator, TimeProvider time, BroadcastProgressQuery progress,
        CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return ApiProblems.NotFound("No such broadcast.");
        }

        if (broadcast.State != BroadcastState.Draft)
        {
            return ApiProblems.Conflict("Not a draft", $"The broadcast is {broadcast.State.ToString().ToLowerInvariant()}; only drafts can be changed.", "/state");
        }

        var validation = await validator.ValidateAsync(request, complete: false, cancellationToken);
        if (!validation.IsValid)
        {
            return Results.ValidationProblem(validation.Errors);
        }

        broadcast.Name = request.Name!.Trim();
        broadcast.Purpose = validation.Purpose;
        broadcast.Definition = validation.Definition!.ToJson();
        broadcast.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await BroadcastView.FromAsync(broadcast, progress, cancellationToken));
    }

    /// <summary>The live size of an audience and a few of its customers, with the channel each would get (when channels are given).</summary>
    private static async Task<IResult> PreviewAsync(
        PreviewRequest request, FlowsDbContext db, BroadcastValidator validator, RecipientPlanner planner, ConsentPolicy consent, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request.SampleSize is < 1 or > 50)
        {
            return ApiProblems.Invalid("/sampleSize", "sampleSize is 1 to 50.");
        }

        var validation = await validator.ValidateAsync(
            new BroadcastRequest("preview", request.Purpose, request.Audience, request.Channels, request.Content, null), complete: false, cancellationToken);
        if (!validation.IsValid)
        {
            return Results.ValidationProblem(validation.Errors);
        }

        var definition = validation.Definition!;
        var audience = AudienceQuery.Apply(db, definition.Audience);
        var count = await audience.CountAsync(cancellationToken);
        var sample = await audience.OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id).Take(request.SampleSize ?? 5)
            .Select(c => new { c.Id, c.DisplayName }).ToListAsync(cancellationToken);
        var plan = new BroadcastPlan("preview", validation.Purpose, definition, validation.Template, consent);
        var planned = definition.Channels.Count == 0 ? []
            : (await planner.PlanAsync(db, plan, [.. sample.Select(s => s.Id)], time.GetUtcNow().UtcDateTime, cancellationToken)).ToDictionary(p => p.ContactId);
        return TypedResults.Ok(new
        {
            count,
            sample = sample.Select(s => planned.GetValueOrDefault(s.Id) is { } p
                ? new PreviewRecipient(s.Id, s.DisplayName, p.Channel, p.SkipReason, p.Content?.Text)
                : new PreviewRecipient(s.Id, s.DisplayName, null, null, null)),
        });
    }

    /// <summary>Cost before send: the total to confirm when scheduling, per category and market.</summary>
    private static async Task<IResult> EstimateAsync(
        Guid id, FlowsDbContext db, BroadcastValidator validator, BroadcastEstimator estimator, CancellationToken cancellationToken)
    {
        var broadcast = await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (broadcast is null)
        {
            return ApiProblems.NotFound("No such broadcast.");
        }

        var validation = await validator.ValidateAsync(BroadcastRequest.From(broadcast, BroadcastDefinition.Parse(broadcast.Definition)), complete: true, cancellationToken);
        return validation.IsValid
            ? TypedResults.Ok(await estimator.EstimateAsync(broadcast.Name, broadcast.Purpose, validation.Definition!, validation.Template, cancellationToken))
            : Results.ValidationProblem(validation.Errors, detail: "Complete the broadcast first: these parts are missing or no longer valid.");
    }
}

public sealed record BroadcastSummary(
    Guid Id, string Name, MessagePurpose Purpose, BroadcastState State, int Recipients, DateTime CreatedAt, DateTime? ScheduledAt, DateTime? StartedAt,
    DateTime? CompletedAt);

/// <param name="Channel">The channel the customer would get; null when skipped (see <see cref="SkipReason"/>) or no channels were given.</param>
/// <param name="Text">What they would read.</param>
public sealed record PreviewRecipient(Guid ContactId, string Name, Channels.ChannelKind? Channel, string? SkipReason, string? Text);

/// <summary>A broadcast with its definition (the shape <c>PUT</c> takes), its state and its progress.</summary>
public sealed record BroadcastView(
    Guid Id, string Name, MessagePurpose Purpose, BroadcastState State, BroadcastRequest Definition, BroadcastProgress Progress,
    BroadcastWaiting? Waiting, DateTime CreatedAt, DateTime UpdatedAt, DateTime? ScheduledAt, DateTime? StartedAt, DateTime? CompletedAt,
    DateTime? CancelledAt, DateTime? LastTestSentAt)
{
    public static async Task<BroadcastView> FromAsync(Broadcast b, BroadcastProgressQuery progress, CancellationToken cancellationToken) => new(
        b.Id, b.Name, b.Purpose, b.State, BroadcastRequest.From(b, BroadcastDefinition.Parse(b.Definition)), await progress.ForAsync(b, cancellationToken),
        b is { State: BroadcastState.Running, WaitingReason: { } reason } ? new BroadcastWaiting(reason, b.WaitingUntil, BroadcastWaiting.Explain(reason)) : null,
        b.CreatedAt, b.UpdatedAt, b.ScheduledAt, b.StartedAt, b.CompletedAt, b.CancelledAt, b.LastTestSentAt);
}

/// <summary>Why a running broadcast sends nothing right now, and until when.</summary>
public sealed record BroadcastWaiting(string Reason, DateTime? Until, string Detail)
{
    public static string Explain(string reason) => reason switch
    {
        BroadcastWaits.QuietHours => "Every remaining recipient is in quiet hours where they are; sending resumes when it is day for the first of them.",
        BroadcastWaits.MessagingLimit => "The WhatsApp messaging limit (unique customers messaged outside a service window in 24 h) is reached; sending resumes as places free up.",
        _ => "The provider asked us to slow down; the remaining recipients are tried again shortly.",
    };
}
