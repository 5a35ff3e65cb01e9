using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>An agent's review of the suggestions that a profile and another are one person: list, accept (merge), dismiss.</summary>
public sealed class MergeSuggestionReview(FlowsDbContext db, ContactMerger merger, TimeProvider time)
{
    /// <summary>The pending suggestions involving <paramref name="contactId"/>, newest first, each naming the other profile.</summary>
    public async Task<IReadOnlyList<MergeSuggestionView>> PendingAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var suggestions = await db.MergeSuggestions.AsNoTracking()
            .Where(s => s.Status == MergeSuggestionStatus.Pending && (s.ContactId == contactId || s.CandidateContactId == contactId))
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
        var otherIds = suggestions.Select(s => OtherOf(s, contactId)).Distinct().ToList();
        var names = await db.Contacts.Where(c => otherIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, cancellationToken);
        return
        [
            .. suggestions.Select(s => new MergeSuggestionView(
                s.Id, OtherOf(s, contactId), names.GetValueOrDefault(OtherOf(s, contactId), "(unknown)"), s.Reason, s.Evidence, s.CreatedAt)),
        ];
    }

    /// <summary>Merges the suggestion's other profile into <paramref name="contactId"/>.</summary>
    /// <returns>Null when there is no such pending suggestion for this contact.</returns>
    public async Task<MergeResult?> AcceptAsync(
        Guid contactId, Guid suggestionId, string? userId, string? userName, CancellationToken cancellationToken)
    {
        var suggestion = await FindPendingAsync(contactId, suggestionId, cancellationToken);
        return suggestion is null
            ? null
            : await merger.MergeAsync(contactId, OtherOf(suggestion, contactId), userId, userName, cancellationToken);
    }

    /// <returns>False when there is no such pending suggestion for this contact.</returns>
    public async Task<bool> DismissAsync(Guid contactId, Guid suggestionId, string? userId, CancellationToken cancellationToken)
    {
        var suggestion = await FindPendingAsync(contactId, suggestionId, cancellationToken);
        if (suggestion is null)
        {
            return false;
        }

        suggestion.Status = MergeSuggestionStatus.Dismissed;
        suggestion.ResolvedAt = time.GetUtcNow().UtcDateTime;
        suggestion.ResolvedByUserId = userId;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private Task<MergeSuggestion?> FindPendingAsync(Guid contactId, Guid suggestionId, CancellationToken cancellationToken) =>
        db.MergeSuggestions.FirstOrDefaultAsync(s => s.Id == suggestionId && s.Status == MergeSuggestionStatus.Pending &&
            (s.ContactId == contactId || s.CandidateContactId == contactId), cancellationToken);

    private static Guid OtherOf(MergeSuggestion suggestion, Guid contactId) =>
        suggestion.ContactId == contactId ? suggestion.CandidateContactId : suggestion.ContactId;
}
