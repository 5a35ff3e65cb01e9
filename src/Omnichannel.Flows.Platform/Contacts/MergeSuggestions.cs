using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Raises a merge suggestion once per pair of profiles and reason while it is pending.</summary>
public sealed class MergeSuggestions(TimeProvider time)
{
    public async Task RaiseAsync(FlowsDbContext db, Guid contactId, Guid candidateContactId, MergeSuggestionReason reason,
        string evidence, CancellationToken cancellationToken)
    {
        if (contactId == candidateContactId)
        {
            return;
        }

        var exists = db.MergeSuggestions.Local.Any(s => IsPair(s, contactId, candidateContactId) && s.Status == MergeSuggestionStatus.Pending)
            || await db.MergeSuggestions.AnyAsync(s => s.Status == MergeSuggestionStatus.Pending &&
                ((s.ContactId == contactId && s.CandidateContactId == candidateContactId) ||
                 (s.ContactId == candidateContactId && s.CandidateContactId == contactId)), cancellationToken);
        if (exists)
        {
            return;
        }

        db.MergeSuggestions.Add(new MergeSuggestion
        {
            ContactId = contactId,
            CandidateContactId = candidateContactId,
            Reason = reason,
            Evidence = evidence.Length > 400 ? evidence[..400] : evidence,
            Status = MergeSuggestionStatus.Pending,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
    }

    private static bool IsPair(MergeSuggestion s, Guid a, Guid b) =>
        (s.ContactId == a && s.CandidateContactId == b) || (s.ContactId == b && s.CandidateContactId == a);
}
