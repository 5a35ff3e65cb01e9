using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>
/// Writes consent: every change goes into the history and, unless a later change is already recorded, becomes the
/// current state — so the state is always the history's latest word. A change that would change nothing (already
/// opted out) is not recorded. Saves nothing: the caller commits it with whatever caused it.
/// </summary>
public sealed class ConsentLedger(TimeProvider time, ILogger<ConsentLedger> logger)
{
    /// <returns>The recorded change, or null when the current state already says so or a later change exists.</returns>
    public async Task<ConsentChange?> RecordAsync(FlowsDbContext db, ConsentEntry entry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var occurredAt = entry.OccurredAt ?? now;
        var current = await db.ContactConsents.FindAsync([entry.ContactId, entry.Channel, entry.Scope], cancellationToken);
        if (current is not null && current.ChangedAt > occurredAt)
        {
            // Deliveries arrive out of order: the customer's later word stands.
            logger.LogInformation("Consent change of contact {ContactId} on {Channel} ({Scope}) from {OccurredAt:o} is older than the recorded one; ignored",
                entry.ContactId, entry.Channel, entry.Scope, occurredAt);
            return null;
        }

        if (current is not null && current.OptedIn == entry.OptedIn)
        {
            return null;
        }

        var change = new ConsentChange
        {
            ContactId = entry.ContactId,
            Channel = entry.Channel,
            Scope = entry.Scope,
            OptedIn = entry.OptedIn,
            Source = entry.Source,
            Detail = Truncate(entry.Detail),
            MessageId = entry.MessageId,
            ChangedByUserId = entry.ChangedByUserId,
            ChangedByName = entry.ChangedByName,
            OccurredAt = occurredAt,
            RecordedAt = now,
        };
        db.ConsentChanges.Add(change);
        if (current is null)
        {
            db.ContactConsents.Add(current = new ContactConsent { ContactId = entry.ContactId, Channel = entry.Channel, Scope = entry.Scope });
        }

        Apply(current, change);
        logger.LogInformation("Contact {ContactId} opted {Direction} on {Channel} ({Scope}) by {Source}",
            entry.ContactId, entry.OptedIn ? "in" : "out", entry.Channel, entry.Scope, entry.Source);
        return change;
    }

    /// <summary>The scopes the contact is opted out of on the channel.</summary>
    public async Task<IReadOnlyList<ConsentScope>> OptedOutScopesAsync(FlowsDbContext db, Guid contactId, ChannelKind channel, CancellationToken cancellationToken) =>
        await db.ContactConsents.Where(c => c.ContactId == contactId && c.Channel == channel && !c.OptedIn)
            .Select(c => c.Scope).ToListAsync(cancellationToken);

    public static void Apply(ContactConsent state, ConsentChange change)
    {
        state.OptedIn = change.OptedIn;
        state.Source = change.Source;
        state.ChangedAt = change.OccurredAt;
        state.ChangeId = change.Id;
    }

    private static string? Truncate(string? text) =>
        text is { Length: > ConsentChange.MaxDetailLength } ? text[..(ConsentChange.MaxDetailLength - 1)] + "…" : text;
}

/// <summary>A consent change to record. <see cref="OccurredAt"/> defaults to now.</summary>
public sealed record ConsentEntry(Guid ContactId, ChannelKind Channel, ConsentScope Scope, bool OptedIn, ConsentSource Source)
{
    public string? Detail { get; init; }
    public Guid? MessageId { get; init; }
    public string? ChangedByUserId { get; init; }
    public string? ChangedByName { get; init; }
    public DateTime? OccurredAt { get; init; }
}
