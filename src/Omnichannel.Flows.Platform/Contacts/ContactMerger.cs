using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Contacts;

/// <summary>
/// Folds one profile into another in a single transaction: identities, messages, phones, emails, tags, fields, web chat
/// sessions, consent and the conversation move to the kept profile; the other becomes a tombstone that points to it; and an
/// audit record says who moved what, when. Nothing is lost: on conflicting fields the kept profile's value wins and
/// the other value is recorded.
/// </summary>
public sealed class ContactMerger(FlowsDbContext db, ConversationEvents events, TimeProvider time, ILogger<ContactMerger> logger)
{
    // The audit is read by people: keep '+' in phone numbers readable instead of \u002B.
    private static readonly JsonSerializerOptions AuditJson = new(JsonSerializerOptions.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<MergeResult> MergeAsync(Guid keepId, Guid otherId, string? userId, string? userName, CancellationToken cancellationToken)
    {
        if (keepId == otherId)
        {
            return MergeResult.Refused("/otherContactId", "A profile cannot be merged with itself.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var keep = await LoadAsync(keepId, cancellationToken);
        var other = await LoadAsync(otherId, cancellationToken);
        if (keep is null)
        {
            return MergeResult.NotFound("No such contact.");
        }

        if (other is null)
        {
            return MergeResult.Refused("/otherContactId", "The other contact does not exist or was already merged.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var moved = new MergeMoves(
            [.. other.Identities.Select(i => $"{i.Channel.ToName()}:{i.ExternalId}")],
            [.. other.Phones.Select(p => p.Number)],
            [.. other.Emails.Select(e => e.Address)],
            [.. other.Tags.Select(t => t.Tag)],
            MoveFields(keep, other),
            await db.Messages.Where(m => m.ContactId == otherId).ExecuteUpdateAsync(s => s.SetProperty(m => m.ContactId, keepId), cancellationToken));

        await db.ChannelIdentities.Where(i => i.ContactId == otherId).ExecuteUpdateAsync(s => s.SetProperty(i => i.ContactId, keepId), cancellationToken);
        await db.WebChatSessions.Where(s => s.ContactId == otherId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ContactId, keepId), cancellationToken);
        await db.ConversationNotes.Where(n => n.ContactId == otherId).ExecuteUpdateAsync(s => s.SetProperty(n => n.ContactId, keepId), cancellationToken);
        MovePhones(keep, other);
        MoveEmails(keep, other);
        MoveTags(keep, other);
        await MergeConversationsAsync(keepId, otherId, now, cancellationToken);
        await ResolveSuggestionsAsync(keepId, otherId, userId, now, cancellationToken);
        await ConsentMerge.MoveAsync(db, keepId, otherId, now, userId, userName, cancellationToken);

        keep.FirstName ??= other.FirstName;
        keep.LastName ??= other.LastName;
        keep.Locale ??= other.Locale;
        keep.TimeZone ??= other.TimeZone;
        keep.UpdatedAt = now;
        other.MergedIntoId = keepId;
        other.UpdatedAt = now;

        db.ContactMerges.Add(new ContactMergeRecord
        {
            TargetContactId = keepId,
            SourceContactId = otherId,
            SourceDisplayName = other.DisplayName,
            MergedByUserId = userId,
            MergedByName = userName,
            MergedAt = now,
            Moved = JsonSerializer.Serialize(moved, AuditJson),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        logger.LogInformation("Contact {SourceContactId} merged into {ContactId} by {UserId}: {MessageCount} messages moved",
            otherId, keepId, userId, moved.Messages);
        events.Publish(new ContactsMerged(keepId, otherId));
        return MergeResult.Merged(moved);
    }

    private Task<Contact?> LoadAsync(Guid id, CancellationToken cancellationToken) =>
        db.Contacts.Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Tags).Include(c => c.Fields).Include(c => c.Identities)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, cancellationToken);

    // New phones and emails are added through their DbSet: found only through keep's navigation, EF would take a row whose
    // (generated) Guid key is already set for an existing one and update it instead of inserting it.
    private void MovePhones(Contact keep, Contact other)
    {
        foreach (var phone in other.Phones.ToList())
        {
            var same = keep.Phones.FirstOrDefault(p => p.MatchKey == phone.MatchKey);
            if (same is null)
            {
                other.Phones.Remove(phone);
                db.ContactPhones.Add(new ContactPhone
                {
                    ContactId = keep.Id, Number = phone.Number, MatchKey = phone.MatchKey, Verified = phone.Verified, AddedAt = phone.AddedAt,
                });
            }
            else
            {
                same.Verified |= phone.Verified;
                other.Phones.Remove(phone);
            }
        }
    }

    private void MoveEmails(Contact keep, Contact other)
    {
        foreach (var email in other.Emails.ToList())
        {
            var same = keep.Emails.FirstOrDefault(e => e.Address == email.Address);
            if (same is null)
            {
                db.ContactEmails.Add(new ContactEmail { ContactId = keep.Id, Address = email.Address, Verified = email.Verified, AddedAt = email.AddedAt });
            }
            else
            {
                same.Verified |= email.Verified;
            }

            other.Emails.Remove(email);
        }
    }

    private static void MoveTags(Contact keep, Contact other)
    {
        foreach (var tag in other.Tags.ToList())
        {
            if (keep.Tags.All(t => t.Tag != tag.Tag))
            {
                keep.Tags.Add(new ContactTag { Tag = tag.Tag, AddedAt = tag.AddedAt });
            }

            other.Tags.Remove(tag);
        }
    }

    /// <returns>The fields that could not move because the kept profile has another value (key → the other value).</returns>
    private static Dictionary<string, string> MoveFields(Contact keep, Contact other)
    {
        var conflicts = new Dictionary<string, string>();
        foreach (var field in other.Fields.ToList())
        {
            var same = keep.Fields.FirstOrDefault(f => f.Key == field.Key);
            if (same is null)
            {
                keep.Fields.Add(new ContactField { Key = field.Key, Value = field.Value });
            }
            else if (same.Value != field.Value)
            {
                conflicts[field.Key] = field.Value;
            }

            other.Fields.Remove(field);
        }

        return conflicts;
    }

    private async Task MergeConversationsAsync(Guid keepId, Guid otherId, DateTime now, CancellationToken cancellationToken)
    {
        var theirs = await db.Conversations.FirstOrDefaultAsync(c => c.ContactId == otherId, cancellationToken);
        if (theirs is null)
        {
            return;
        }

        var ours = await db.Conversations.FirstOrDefaultAsync(c => c.ContactId == keepId, cancellationToken);
        if (ours is null)
        {
            theirs.ContactId = keepId;
            return;
        }

        if (theirs.Status == ConversationStatus.Open)
        {
            ours.Status = ConversationStatus.Open;
            ours.ResolvedAt = null;
        }

        ours.AssignedUserId ??= theirs.AssignedUserId;
        ours.AssignedTeamId ??= theirs.AssignedTeamId;
        if (theirs.LastCustomerMessageAt > (ours.LastCustomerMessageAt ?? DateTime.MinValue))
        {
            ours.LastCustomerMessageAt = theirs.LastCustomerMessageAt;
            ours.LastCustomerChannel = theirs.LastCustomerChannel;
        }

        if (theirs.LastMessageAt > (ours.LastMessageAt ?? DateTime.MinValue))
        {
            ours.LastMessageAt = theirs.LastMessageAt;
        }

        ours.UpdatedAt = now;
        db.Conversations.Remove(theirs);
    }

    private async Task ResolveSuggestionsAsync(Guid keepId, Guid otherId, string? userId, DateTime now, CancellationToken cancellationToken)
    {
        var related = await db.MergeSuggestions
            .Where(s => s.Status == MergeSuggestionStatus.Pending &&
                (s.ContactId == otherId || s.CandidateContactId == otherId))
            .ToListAsync(cancellationToken);
        foreach (var suggestion in related)
        {
            var pair = new[] { suggestion.ContactId, suggestion.CandidateContactId };
            if (pair.Contains(keepId))
            {
                suggestion.Status = MergeSuggestionStatus.Accepted;
                suggestion.ResolvedAt = now;
                suggestion.ResolvedByUserId = userId;
            }
            else if (suggestion.ContactId == otherId)
            {
                suggestion.ContactId = keepId;
            }
            else
            {
                suggestion.CandidateContactId = keepId;
            }
        }
    }
}

public sealed record MergeMoves(
    IReadOnlyList<string> Identities, IReadOnlyList<string> Phones, IReadOnlyList<string> Emails, IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> ConflictingFields, int Messages);

public sealed record MergeResult(MergeMoves? Moves, bool ContactMissing, string? Pointer, string? Problem)
{
    public static MergeResult Merged(MergeMoves moves) => new(moves, false, null, null);

    public static MergeResult NotFound(string problem) => new(null, true, null, problem);

    public static MergeResult Refused(string pointer, string problem) => new(null, false, pointer, problem);
}
