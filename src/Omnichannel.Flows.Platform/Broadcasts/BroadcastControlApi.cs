using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Conversations;

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
        Guid id, TestSendRequest request, BroadcastControl control, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await control.TestAsync(id, request.ContactId, user.Id(), cancellationToken)).ToResult(ThreadApi.Answer);

    /// <summary>
    /// Schedules the broadcast (now, or at <c>at</c>) once the marketer confirmed the cost: <c>confirmTotal</c> must be
    /// the estimate's total as it is now, else 409 with the current estimate to look at again.
    /// </summary>
    private static async Task<IResult> ScheduleAsync(Guid id, ScheduleRequest request, BroadcastControl control, CancellationToken cancellationToken) =>
        (await control.ScheduleAsync(id, request, cancellationToken)).ToResult(view => TypedResults.Accepted($"/api/broadcasts/{id}", view));

    /// <summary>Stops sending after the chunk under way; resume continues where it stopped.</summary>
    private static async Task<IResult> PauseAsync(Guid id, BroadcastControl control, CancellationToken cancellationToken) =>
        (await control.PauseAsync(id, cancellationToken)).ToResult(TypedResults.Ok);

    private static async Task<IResult> ResumeAsync(Guid id, BroadcastControl control, CancellationToken cancellationToken) =>
        (await control.ResumeAsync(id, cancellationToken)).ToResult(TypedResults.Ok);

    /// <summary>Stops for good: recipients not sent yet are skipped as cancelled; sends under way finish.</summary>
    private static async Task<IResult> CancelAsync(Guid id, BroadcastControl control, CancellationToken cancellationToken) =>
        (await control.CancelAsync(id, cancellationToken)).ToResult(TypedResults.Ok);
}
