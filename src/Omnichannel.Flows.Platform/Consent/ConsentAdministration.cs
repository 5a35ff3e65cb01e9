using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Consent;

/// <summary>An agent or admin records a consent change (the customer said so on the phone, in a shop, by letter), with who did it.</summary>
public sealed class ConsentAdministration(FlowsDbContext db, ConsentLedger ledger, ConversationEvents events)
{
    /// <summary>What is wrong with the request, with the field it is about; null when it can be recorded.</summary>
    public static Refusal? Validate(RecordConsentRequest request)
    {
        if (!ChannelNames.TryParse(request.Channel, out _))
        {
            return Refusal.Invalid("channel", $"channel must be one of {string.Join(", ", ChannelNames.All.Order())}.");
        }

        if (!TryParseScope(request.Scope, out _))
        {
            return Refusal.Invalid("scope", "scope must be 'all' or 'marketing'.");
        }

        if (request.OptedIn is null)
        {
            return Refusal.Invalid("optedIn", "optedIn is required: true records an opt-in, false an opt-out.");
        }

        if (request.Note is { Length: > ConsentChange.MaxDetailLength })
        {
            return Refusal.Invalid("note", $"note has at most {ConsentChange.MaxDetailLength} characters.");
        }

        return request.OptedIn == true && string.IsNullOrWhiteSpace(request.Note)
            ? Refusal.Invalid("note", "note is required for an opt-in: say how the customer gave their consent.")
            : null;
    }

    /// <returns>The refusal, or the recorded change (null when the contact's consent already said so).</returns>
    public async Task<(Refusal? Refusal, ConsentChange? Change)> RecordAsync(
        Guid contactId, RecordConsentRequest request, string? userId, string? userName, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } refusal)
        {
            return (refusal, null);
        }

        if (!await db.Contacts.AnyAsync(c => c.Id == contactId && c.MergedIntoId == null, cancellationToken))
        {
            return (Refusal.Missing("No such contact."), null);
        }

        ChannelNames.TryParse(request.Channel, out var channel);
        TryParseScope(request.Scope, out var scope);
        var entry = new ConsentEntry(contactId, channel, scope, request.OptedIn!.Value, ConsentSource.Agent)
        {
            Detail = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            ChangedByUserId = userId,
            ChangedByName = userName,
        };
        ConsentChange? change;
        try
        {
            change = await RecordAndSaveAsync(entry, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another change of this consent was saved first (both created its state row): record against that one.
            db.ChangeTracker.Clear();
            change = await RecordAndSaveAsync(entry, cancellationToken);
        }

        if (change is not null)
        {
            events.Publish(ConsentChanged.Of(change));
        }

        return (null, change);
    }

    private async Task<ConsentChange?> RecordAndSaveAsync(ConsentEntry entry, CancellationToken cancellationToken)
    {
        var change = await ledger.RecordAsync(db, entry, cancellationToken);
        if (change is not null)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return change;
    }

    private static bool TryParseScope(string? value, out ConsentScope scope)
    {
        scope = ConsentScope.All;
        switch (value?.Trim().ToLowerInvariant())
        {
            case "all":
                return true;
            case "marketing":
                scope = ConsentScope.Marketing;
                return true;
            default:
                return false;
        }
    }
}
