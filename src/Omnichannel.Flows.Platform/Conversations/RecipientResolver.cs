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

        var externalId = channel switch
        {
            ChannelKind.Sms => await VerifiedPhoneAsync(db, contactId, cancellationToken),
            ChannelKind.WhatsApp => (await VerifiedPhoneAsync(db, contactId, cancellationToken))?.TrimStart('+'),
            ChannelKind.Email => await db.ContactEmails.Where(e => e.ContactId == contactId && e.Verified)
                .OrderBy(e => e.AddedAt).Select(e => e.Address).FirstOrDefaultAsync(cancellationToken),
            _ => null,
        };
        if (externalId is null || await db.ChannelIdentities.AnyAsync(i => i.Channel == channel && i.ExternalId == externalId, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var identity = new ChannelIdentity { ContactId = contactId, Channel = channel, ExternalId = externalId, CreatedAt = now, LastSeenAt = now };
        db.ChannelIdentities.Add(identity);
        return identity;
    }

    private static Task<string?> VerifiedPhoneAsync(FlowsDbContext db, Guid contactId, CancellationToken cancellationToken) =>
        db.ContactPhones.Where(p => p.ContactId == contactId && p.Verified)
            .OrderBy(p => p.AddedAt).Select(p => p.Number).FirstOrDefaultAsync(cancellationToken);
}
