using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>Tags follow the customer, not a channel: stored on the profile, trimmed and lower-cased.</summary>
public sealed class ContactTags(FlowsDbContext db, TimeProvider time)
{
    public const int MaxLength = 64;

    public static string? Normalize(string? tag) =>
        string.IsNullOrWhiteSpace(tag) ? null : tag.Trim().ToLowerInvariant();

    public static string? Validate(string? tag) => Normalize(tag) switch
    {
        null => "A tag must not be empty.",
        { Length: > MaxLength } => $"A tag has at most {MaxLength} characters.",
        _ => null,
    };

    /// <param name="causedByAutomation">A flow added it: flows do not start on the resulting event unless they opt in.</param>
    /// <returns>True when the tag was added, false when the contact already had it.</returns>
    public async Task<bool> AddAsync(Guid contactId, string tag, CancellationToken cancellationToken, bool causedByAutomation = false)
    {
        var normalized = Normalize(tag)!;
        if (await db.ContactTags.AnyAsync(t => t.ContactId == contactId && t.Tag == normalized, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.ContactTags.Add(new ContactTag { ContactId = contactId, Tag = normalized, AddedAt = now });
        db.RaiseAutomationEvent(AutomationEventTypes.TagAdded, contactId, new { tag = normalized }, causedByAutomation, now);
        await db.Contacts.Where(c => c.Id == contactId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <returns>True when the tag was removed, false when the contact did not have it.</returns>
    public async Task<bool> RemoveAsync(Guid contactId, string tag, CancellationToken cancellationToken, bool causedByAutomation = false)
    {
        var normalized = Normalize(tag);
        var existing = await db.ContactTags.FirstOrDefaultAsync(t => t.ContactId == contactId && t.Tag == normalized, cancellationToken);
        if (existing is null)
        {
            return false;
        }

        db.ContactTags.Remove(existing);
        db.RaiseAutomationEvent(AutomationEventTypes.TagRemoved, contactId, new { tag = normalized }, causedByAutomation, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
