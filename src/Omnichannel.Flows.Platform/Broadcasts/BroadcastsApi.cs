using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// <c>/api/broadcasts</c> for the Marketing and Admin roles: drafts, the audience preview, cost before send, a test send,
/// scheduling with the cost confirmed, pause / resume / cancel, and progress.
/// </summary>
public static class BroadcastsApi
{
    public const int MaxPageSize = BroadcastDrafts.MaxPageSize;

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

    private static async Task<IResult> ListAsync(BroadcastDrafts drafts, int? page, int? pageSize, string? state, CancellationToken cancellationToken) =>
        (await drafts.ListAsync(page, pageSize, state, cancellationToken)).ToResult(TypedResults.Ok);

    private static async Task<IResult> CreateAsync(BroadcastRequest request, BroadcastDrafts drafts, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await drafts.CreateAsync(request, user.Id(), cancellationToken)).ToResult(view => TypedResults.Created($"/api/broadcasts/{view.Id}", view));

    private static async Task<IResult> GetAsync(Guid id, BroadcastDrafts drafts, CancellationToken cancellationToken) =>
        (await drafts.GetAsync(id, cancellationToken)).ToResult(TypedResults.Ok);

    private static async Task<IResult> UpdateAsync(Guid id, BroadcastRequest request, BroadcastDrafts drafts, CancellationToken cancellationToken) =>
        (await drafts.UpdateAsync(id, request, cancellationToken)).ToResult(TypedResults.Ok);

    /// <summary>The live size of an audience and a few of its customers, with the channel each would get (when channels are given).</summary>
    private static async Task<IResult> PreviewAsync(PreviewRequest request, BroadcastDrafts drafts, CancellationToken cancellationToken) =>
        (await drafts.PreviewAsync(request, cancellationToken)).ToResult(TypedResults.Ok);

    /// <summary>Cost before send: the total to confirm when scheduling, per category and market.</summary>
    private static async Task<IResult> EstimateAsync(Guid id, BroadcastDrafts drafts, CancellationToken cancellationToken) =>
        (await drafts.EstimateAsync(id, cancellationToken)).ToResult(TypedResults.Ok);

    /// <summary>The value as <paramref name="success"/> says, or the refusal as problem+json that says where.</summary>
    internal static IResult ToResult<T>(this BroadcastOutcome<T> outcome, Func<T, IResult> success) => outcome.Refusal switch
    {
        null => success(outcome.Value!),
        { Kind: BroadcastRefusalKind.NotFound } r => ApiProblems.NotFound(r.Detail ?? r.Title),
        { Kind: BroadcastRefusalKind.Invalid } r => Results.ValidationProblem(r.FieldErrors, detail: r.Detail),
        { Kind: BroadcastRefusalKind.Conflict } r => ApiProblems.Conflict(r.Title, r.Detail ?? r.Title, r.Pointer,
            r.Estimate is null ? null : new Dictionary<string, object?> { ["estimate"] = r.Estimate }),
        { } r => ApiProblems.Unprocessable(r.Title, r.Detail ?? r.Title, r.Pointer ?? ""),
    };
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
