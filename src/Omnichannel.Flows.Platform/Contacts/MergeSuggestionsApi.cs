using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Suggestions that two profiles are one person: list, accept (merge into this profile), dismiss.</summary>
public static class MergeSuggestionsApi
{
    public static RouteGroupBuilder MapContactMergeSuggestionsApi(this RouteGroupBuilder contacts)
    {
        contacts.MapGet("/{id:guid}/merge-suggestions", ListAsync);
        contacts.MapPost("/{id:guid}/merge-suggestions/{suggestionId:guid}/accept", AcceptAsync);
        contacts.MapPost("/{id:guid}/merge-suggestions/{suggestionId:guid}/dismiss", DismissAsync);
        return contacts;
    }

    private static async Task<IResult> ListAsync(Guid id, MergeSuggestionReview review, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await review.PendingAsync(id, cancellationToken) });

    private static async Task<IResult> AcceptAsync(
        Guid id, Guid suggestionId, MergeSuggestionReview review, ContactQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await review.AcceptAsync(id, suggestionId, user.Id(), user.Name(), cancellationToken);
        return result switch
        {
            null => ApiProblems.NotFound("No pending suggestion with that id for this contact."),
            { Moves: not null } => TypedResults.Ok(new { contact = await queries.GetAsync(id, cancellationToken), moved = result.Moves }),
            _ => ApiProblems.Unprocessable("Cannot merge", result.Problem!, result.Pointer ?? "/id"),
        };
    }

    private static async Task<IResult> DismissAsync(
        Guid id, Guid suggestionId, MergeSuggestionReview review, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await review.DismissAsync(id, suggestionId, user.Id(), cancellationToken)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("No pending suggestion with that id for this contact.");
}

public sealed record MergeSuggestionView(
    Guid Id, Guid OtherContactId, string OtherDisplayName, MergeSuggestionReason Reason, string Evidence, DateTime CreatedAt);
