using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>Reads of a contact's consent for the API and the contact page.</summary>
public sealed class ConsentQueries(FlowsDbContext db)
{
    /// <returns>Null when there is no such (surviving) contact.</returns>
    public async Task<ContactConsentView?> GetAsync(Guid contactId, CancellationToken cancellationToken)
    {
        if (!await db.Contacts.AnyAsync(c => c.Id == contactId && c.MergedIntoId == null, cancellationToken))
        {
            return null;
        }

        var history = await db.ConsentChanges.AsNoTracking().Where(c => c.ContactId == contactId)
            .OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.RecordedAt)
            .Select(c => new ConsentChangeView(c.Id, c.Channel, c.Scope, c.OptedIn, c.Source, c.Detail, c.MessageId, c.ChangedByUserId, c.ChangedByName, c.OccurredAt))
            .ToListAsync(cancellationToken);
        return new ContactConsentView(contactId, await CurrentAsync(contactId, cancellationToken), history);
    }

    public async Task<IReadOnlyList<ConsentStateView>> CurrentAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var current = await db.ContactConsents.AsNoTracking().Where(c => c.ContactId == contactId)
            .Select(c => new ConsentStateView(c.Channel, c.Scope, c.OptedIn, c.Source, c.ChangedAt))
            .ToListAsync(cancellationToken);
        return [.. current.OrderBy(c => c.Channel).ThenBy(c => c.Scope)];
    }
}
