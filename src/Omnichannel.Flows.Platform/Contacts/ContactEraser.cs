using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>
/// Erases a customer on request (GDPR art. 17): the profile, its identities, messages, conversation, web chat sessions,
/// the raw webhook deliveries that carried their messages, the tombstones of profiles merged into it (directly or through
/// other merged profiles), and their names in merge audit records; and what automation holds about them: their flow runs
/// (snapshots, journal, waits), their time triggers and their automation events. A run of theirs that is running or
/// waiting ends with it. What remains is an anonymous count of messages per channel.
/// </summary>
public sealed class ContactEraser(FlowsDbContext db, TimeProvider time, ILogger<ContactEraser> logger)
{
    /// <returns>False when there is no such (surviving) contact.</returns>
    public async Task<bool> EraseAsync(Guid contactId, string? userId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Contacts.AnyAsync(c => c.Id == contactId && c.MergedIntoId == null, cancellationToken))
        {
            return false;
        }

        var all = await MergedProfiles.WithMergedInAsync(db, contactId, cancellationToken);

        var counts = await db.Messages.Where(m => m.ContactId == contactId)
            .GroupBy(m => m.Channel)
            .Select(g => new { Channel = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var deliveryIds = await db.Messages.Where(m => m.ContactId == contactId && m.InboundEventId != null)
            .Select(m => m.InboundEventId!.Value).Distinct().ToListAsync(cancellationToken);

        foreach (var chunk in deliveryIds.Chunk(500))
        {
            await db.InboundEvents.Where(e => chunk.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        await db.MergeSuggestions.Where(s => all.Contains(s.ContactId) || all.Contains(s.CandidateContactId)).ExecuteDeleteAsync(cancellationToken);
        await db.ContactMerges.Where(m => all.Contains(m.TargetContactId) || all.Contains(m.SourceContactId))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.SourceDisplayName, "(erased)").SetProperty(m => m.Moved, "{}"), cancellationToken);
        await EraseAutomationDataAsync(all, cancellationToken);
        // Children (phones, emails, tags, fields, identities, messages, conversation, sessions) cascade with the profile.
        await db.Contacts.Where(c => all.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);

        db.ContactErasures.Add(new ContactErasureRecord
        {
            ErasedAt = time.GetUtcNow().UtcDateTime,
            ErasedByUserId = userId,
            MessageCount = counts.Sum(c => c.Count),
            MessagesByChannel = JsonSerializer.Serialize(counts.ToDictionary(c => c.Channel.ToName(), c => c.Count)),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("A contact was erased on request by {UserId}: {MessageCount} messages deleted", userId, counts.Sum(c => c.Count));
        return true;
    }

    /// <summary>The runs, time triggers and automation events of <paramref name="contactIds"/>.</summary>
    private async Task EraseAutomationDataAsync(List<Guid> contactIds, CancellationToken cancellationToken)
    {
        string[] subjects = [.. contactIds.Select(id => id.ToString())];
        var runs = await FlowRunDeletion.DeleteAsync(db, db.FlowInstances.Where(i => subjects.Contains(i.SubjectId)), cancellationToken);
        await db.FlowTriggerTimers.Where(t => t.ContactId != null && contactIds.Contains(t.ContactId.Value)).ExecuteDeleteAsync(cancellationToken);
        await db.AutomationEvents.Where(e => e.ContactId != null && contactIds.Contains(e.ContactId.Value)).ExecuteDeleteAsync(cancellationToken);
        if (runs > 0)
        {
            logger.LogInformation("Erasing a contact deleted {RunCount} flow runs", runs);
        }
    }
}
