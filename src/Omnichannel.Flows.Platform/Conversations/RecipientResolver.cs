using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Picks the identity a reply on a channel goes to: the customer's most recent identity there, or — so agents can reply
/// on any channel — one derived from the profile's verified phone (SMS, WhatsApp) or email address.
/// </summary>
public sealed class RecipientResolver(TimeProvider time)
{
    private static readonly ChannelKind[] Derivable = [ChannelKind.WhatsApp, ChannelKind.Sms, ChannelKind.Email];

    public async Task<ChannelIdentity?> ResolveAsync(FlowsDbContext db, Guid contactId, ChannelKind channel, CancellationToken cancellationToken)
    {
        var existing = await db.ChannelIdentities
            .Where(i => i.ContactId == contactId && i.Channel == channel)
            .OrderByDescending(i => i.LastSeenAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var externalId = await DerivedExternalIdAsync(db, contactId, channel, cancellationToken);
        if (externalId is null || await db.ChannelIdentities.AnyAsync(i => i.Channel == channel && i.ExternalId == externalId, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var identity = new ChannelIdentity { ContactId = contactId, Channel = channel, ExternalId = externalId, CreatedAt = now, LastSeenAt = now };
        db.ChannelIdentities.Add(identity);
        return identity;
    }

    /// <summary>
    /// The channels a reply can go out on: those the customer has an identity on, and those an identity can be derived
    /// for from a verified phone (SMS, WhatsApp) or email address that no other profile's identity holds.
    /// </summary>
    public async Task<IReadOnlyList<ChannelKind>> ReachableChannelsAsync(FlowsDbContext db, Guid contactId, CancellationToken cancellationToken)
    {
        var reachable = await db.ChannelIdentities.Where(i => i.ContactId == contactId).Select(i => i.Channel).Distinct().ToListAsync(cancellationToken);
        foreach (var channel in Derivable.Except(reachable).ToList())
        {
            if (await DerivedExternalIdAsync(db, contactId, channel, cancellationToken) is { } externalId &&
                !await db.ChannelIdentities.AnyAsync(i => i.Channel == channel && i.ExternalId == externalId, cancellationToken))
            {
                reachable.Add(channel);
            }
        }

        return [.. reachable.Order()];
    }

    private static async Task<string?> DerivedExternalIdAsync(FlowsDbContext db, Guid contactId, ChannelKind channel, CancellationToken cancellationToken) =>
        channel switch
        {
            ChannelKind.Sms => await VerifiedPhoneAsync(db, contactId, cancellationToken),
            ChannelKind.WhatsApp => (await VerifiedPhoneAsync(db, contactId, cancellationToken))?.TrimStart('+'),
            ChannelKind.Email => await db.ContactEmails.Where(e => e.ContactId == contactId && e.Verified)
                .OrderBy(e => e.AddedAt).Select(e => e.Address).FirstOrDefaultAsync(cancellationToken),
            _ => null,
        };

    private static Task<string?> VerifiedPhoneAsync(FlowsDbContext db, Guid contactId, CancellationToken cancellationToken) =>
        db.ContactPhones.Where(p => p.ContactId == contactId && p.Verified)
            .OrderBy(p => p.AddedAt).Select(p => p.Number).FirstOrDefaultAsync(cancellationToken);
}
