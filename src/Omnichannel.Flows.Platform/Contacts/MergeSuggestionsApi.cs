using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Data;

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

    private static async Task<IResult> ListAsync(Guid id, FlowsDbContext db, CancellationToken cancellationToken)
    {
        var suggestions = await db.MergeSuggestions.AsNoTracking()
            .Where(s => s.Status == MergeSuggestionStatus.Pending && (s.ContactId == id || s.CandidateContactId == id))
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
        var otherIds = suggestions.Select(s => s.ContactId == id ? s.CandidateContactId : s.ContactId).Distinct().ToList();
        var names = await db.Contacts.Where(c => otherIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, cancellationToken);
        return TypedResults.Ok(new
        {
            items = suggestions.Select(s =>
            {
                var otherId = s.ContactId == id ? s.CandidateContactId : s.ContactId;
                return new MergeSuggestionView(s.Id, otherId, names.GetValueOrDefault(otherId, "(unknown)"), s.Reason, s.Evidence, s.CreatedAt);
            }),
        });
    }

    private static async Task<IResult> AcceptAsync(
        Guid id, Guid suggestionId, FlowsDbContext db, ContactMerger merger, ContactQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var suggestion = await FindAsync(db, id, suggestionId, cancellationToken);
        if (suggestion is null)
        {
            return ApiProblems.NotFound("No pending suggestion with that id for this contact.");
        }

        var otherId = suggestion.ContactId == id ? suggestion.CandidateContactId : suggestion.ContactId;
        var result = await merger.MergeAsync(id, otherId, user.Id(), user.Name(), cancellationToken);
        return result.Moves is not null
            ? TypedResults.Ok(new { contact = await queries.GetAsync(id, cancellationToken), moved = result.Moves })
            : ApiProblems.Unprocessable("Cannot merge", result.Problem!, result.Pointer ?? "/id");
    }

    private static async Task<IResult> DismissAsync(
        Guid id, Guid suggestionId, FlowsDbContext db, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var suggestion = await FindAsync(db, id, suggestionId, cancellationToken);
        if (suggestion is null)
        {
            return ApiProblems.NotFound("No pending suggestion with that id for this contact.");
        }

        suggestion.Status = MergeSuggestionStatus.Dismissed;
        suggestion.ResolvedAt = time.GetUtcNow().UtcDateTime;
        suggestion.ResolvedByUserId = user.Id();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static Task<MergeSuggestion?> FindAsync(FlowsDbContext db, Guid contactId, Guid suggestionId, CancellationToken cancellationToken) =>
        db.MergeSuggestions.FirstOrDefaultAsync(s => s.Id == suggestionId && s.Status == MergeSuggestionStatus.Pending &&
            (s.ContactId == contactId || s.CandidateContactId == contactId), cancellationToken);
}

public sealed record MergeSuggestionView(
    Guid Id, Guid OtherContactId, string OtherDisplayName, MergeSuggestionReason Reason, string Evidence, DateTime CreatedAt);
